from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "name" VARCHAR(255) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "is_admin" BOOL NOT NULL,
    "is_active" BOOL NOT NULL,
    "session_epoch" INT NOT NULL,
    "failed_login_count" INT NOT NULL,
    "locked_until" TIMESTAMPTZ,
    "last_login_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "user" IS 'An account. `email` is stored lower-cased, which makes its uniqueness case-insensitive.';
CREATE TABLE IF NOT EXISTS "application_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "uuid" UUID NOT NULL UNIQUE,
    "title" VARCHAR(255) NOT NULL,
    "token_hash" VARCHAR(255) NOT NULL,
    "validity_end" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_application_user_id_68373c" UNIQUE ("user_id", "title")
);
COMMENT ON TABLE "application_token" IS 'A long-lived API credential; only the argon2 hash of its secret is stored.';
CREATE TABLE IF NOT EXISTS "notification" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(100) NOT NULL,
    "content" TEXT NOT NULL,
    "info_link" VARCHAR(1024) NOT NULL,
    "info_link_text" VARCHAR(100) NOT NULL,
    "read_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_notificatio_user_id_9f8ad4" ON "notification" ("user_id", "read_at");
COMMENT ON TABLE "notification" IS 'A message for one user (feed disabled, import finished…). A CHECK pairs the link and its text.';
CREATE TABLE IF NOT EXISTS "user_settings" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "words_per_minute" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "language" VARCHAR(10) NOT NULL,
    "theme" VARCHAR(10) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL UNIQUE REFERENCES "user" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "user_settings"."language" IS 'ENGLISH: en';
COMMENT ON COLUMN "user_settings"."theme" IS 'AUTO: auto\nLIGHT: light\nDARK: dark';
CREATE TABLE IF NOT EXISTS "feed_category" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(100) NOT NULL,
    "slug" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "parent_id" BIGINT REFERENCES "feed_category" ("id") ON DELETE CASCADE,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_feed_catego_user_id_e720be" UNIQUE ("user_id", "slug")
);
CREATE INDEX IF NOT EXISTS "idx_feed_catego_parent__36b7b7" ON "feed_category" ("parent_id");
COMMENT ON TABLE "feed_category" IS 'A user''s folder of feeds; folders nest through `parent`.';
CREATE TABLE IF NOT EXISTS "feed_source" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(2048) NOT NULL UNIQUE,
    "etag" VARCHAR(1024) NOT NULL,
    "last_modified" VARCHAR(128) NOT NULL,
    "body_hash" VARCHAR(64) NOT NULL,
    "next_check_at" TIMESTAMPTZ NOT NULL,
    "lease_owner" VARCHAR(64) NOT NULL,
    "leased_until" TIMESTAMPTZ,
    "last_checked_at" TIMESTAMPTZ,
    "last_outcome" VARCHAR(20) NOT NULL,
    "last_error" TEXT NOT NULL,
    "error_streak" INT NOT NULL,
    "first_error_at" TIMESTAMPTZ,
    "retry_after_until" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_feed_source_next_ch_427d37" ON "feed_source" ("next_check_at");
COMMENT ON COLUMN "feed_source"."last_outcome" IS 'NEVER: NEVER\nSUCCESS: SUCCESS\nNOT_MODIFIED: NOT_MODIFIED\nFAILURE: FAILURE';
COMMENT ON TABLE "feed_source" IS 'One distinct feed URL, fetched once for all its subscribers; holds the fetch state and schedule.';
CREATE TABLE IF NOT EXISTS "feed" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(300) NOT NULL,
    "slug" VARCHAR(300) NOT NULL,
    "site_url" VARCHAR(2048) NOT NULL,
    "description" TEXT NOT NULL,
    "feed_type" VARCHAR(20) NOT NULL,
    "refresh_delay" VARCHAR(40) NOT NULL,
    "article_retention_time" INT NOT NULL,
    "open_original_url_by_default" BOOL NOT NULL,
    "disabled_at" TIMESTAMPTZ,
    "disabled_reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "category_id" BIGINT REFERENCES "feed_category" ("id") ON DELETE SET NULL,
    "source_id" BIGINT NOT NULL REFERENCES "feed_source" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_feed_user_id_946d2c" UNIQUE ("user_id", "source_id")
);
CREATE INDEX IF NOT EXISTS "idx_feed_source__bb3415" ON "feed" ("source_id");
CREATE INDEX IF NOT EXISTS "idx_feed_categor_2d3cb6" ON "feed" ("category_id");
COMMENT ON COLUMN "feed"."feed_type" IS 'RSS090: rss090\nRSS091N: rss091n\nRSS091U: rss091u\nRSS092: rss092\nRSS093: rss093\nRSS094: rss094\nRSS20: rss20\nRSS10: rss10\nRSS: rss\nATOM01: atom01\nATOM02: atom02\nATOM03: atom03\nATOM10: atom10\nATOM: atom\nCDF: cdf\nJSON1: json1\nJSON10: json10\nJSON11: json11';
COMMENT ON COLUMN "feed"."refresh_delay" IS 'HOURLY: HOURLY\nBIHOURLY: BIHOURLY\nEVERY_MORNING: EVERY_MORNING\nDAILY_AT_NOON: DAILY_AT_NOON\nEVERY_EVENING: EVERY_EVENING\nON_MONDAYS: ON_MONDAYS\nON_THURSDAYS: ON_THURSDAYS\nON_SATURDAYS: ON_SATURDAYS\nON_SUNDAYS: ON_SUNDAYS\nTWICE_A_WEEK: TWICE_A_WEEK\nFIRST_DAY_OF_THE_MONTH: FIRST_DAY_OF_THE_MONTH\nMIDDLE_OF_THE_MONTH: MIDDLE_OF_THE_MONTH\nEND_OF_THE_MONTH: END_OF_THE_MONTH\nTHRICE_A_MONTH: THRICE_A_MONTH';
COMMENT ON TABLE "feed" IS 'A user''s subscription to a feed source. A CHECK keeps `disabled_at` and `disabled_reason` consistent.';
CREATE TABLE IF NOT EXISTS "feed_entry" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "entry_key" TEXT NOT NULL,
    "url" VARCHAR(1024) NOT NULL,
    "content_hash" VARCHAR(64) NOT NULL,
    "source_updated_at" TIMESTAMPTZ,
    "first_seen_at" TIMESTAMPTZ NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "source_id" BIGINT NOT NULL REFERENCES "feed_source" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_feed_entry_source__a6f598" UNIQUE ("source_id", "entry_key")
);
COMMENT ON TABLE "feed_entry" IS 'An entry seen in a source, keyed by its id in the feed (or its URL): what makes an entry new or changed.';
CREATE TABLE IF NOT EXISTS "feed_update" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(20) NOT NULL,
    "http_status" INT,
    "error_message" TEXT NOT NULL,
    "technical_debug_data" JSONB,
    "etag" VARCHAR(1024) NOT NULL,
    "last_modified" VARCHAR(128) NOT NULL,
    "new_entries" INT NOT NULL,
    "updated_entries" INT NOT NULL,
    "ignored_entry_keys" JSONB NOT NULL,
    "duration_ms" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "source_id" BIGINT NOT NULL REFERENCES "feed_source" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_feed_update_source__f6a587" ON "feed_update" ("source_id", "created_at");
COMMENT ON COLUMN "feed_update"."status" IS 'SUCCESS: SUCCESS\nNOT_MODIFIED: NOT_MODIFIED\nFAILURE: FAILURE';
COMMENT ON TABLE "feed_update" IS 'One row per fetch attempt of a source: success, not modified, or failure with a technical record.';
CREATE TABLE IF NOT EXISTS "articles_group" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(300) NOT NULL,
    "slug" VARCHAR(300) NOT NULL,
    "description" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_articles_gr_user_id_1c5406" ON "articles_group" ("user_id");
COMMENT ON TABLE "articles_group" IS 'A series of articles read in order.';
CREATE TABLE IF NOT EXISTS "article" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(1024) NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "slug" VARCHAR(300) NOT NULL,
    "summary" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "content_type" VARCHAR(50) NOT NULL,
    "reading_time" INT NOT NULL,
    "authors" JSONB NOT NULL,
    "contributors" JSONB NOT NULL,
    "preview_picture_url" VARCHAR(1024) NOT NULL,
    "preview_picture_alt" TEXT NOT NULL,
    "external_tags" JSONB NOT NULL,
    "external_article_id" VARCHAR(512) NOT NULL,
    "annotations" JSONB NOT NULL,
    "language" VARCHAR(5) NOT NULL,
    "table_of_content" JSONB NOT NULL,
    "read_at" TIMESTAMPTZ,
    "opened_at" TIMESTAMPTZ,
    "is_favorite" BOOL NOT NULL,
    "is_for_later" BOOL NOT NULL,
    "main_source_type" VARCHAR(20) NOT NULL,
    "main_source_title" VARCHAR(300) NOT NULL,
    "group_order" INT NOT NULL,
    "published_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "obj_created_at" TIMESTAMPTZ NOT NULL,
    "obj_updated_at" TIMESTAMPTZ NOT NULL,
    "group_id" BIGINT REFERENCES "articles_group" ("id") ON DELETE SET NULL,
    "main_feed_id" BIGINT REFERENCES "feed" ("id") ON DELETE SET NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_article_user_id_339c5e" UNIQUE ("user_id", "url"),
    CONSTRAINT "uid_article_group_i_763b9e" UNIQUE ("group_id", "group_order")
);
CREATE INDEX IF NOT EXISTS "idx_article_main_fe_2c36df" ON "article" ("main_feed_id");
COMMENT ON COLUMN "article"."content_type" IS 'HTML: text/html\nXHTML: application/xhtml+xml\nPLAIN: text/plain';
COMMENT ON COLUMN "article"."main_source_type" IS 'FEED: FEED\nMANUAL: MANUAL';
CREATE TABLE IF NOT EXISTS "feed_article" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "entry_key" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "article_id" BIGINT REFERENCES "article" ("id") ON DELETE SET NULL,
    "feed_id" BIGINT NOT NULL REFERENCES "feed" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_feed_articl_feed_id_7d5db4" UNIQUE ("feed_id", "entry_key"),
    CONSTRAINT "uid_feed_articl_feed_id_9ec3fa" UNIQUE ("feed_id", "article_id")
);
CREATE INDEX IF NOT EXISTS "idx_feed_articl_article_11da85" ON "feed_article" ("article_id");
COMMENT ON TABLE "feed_article" IS 'Links a subscription''s entry to the user''s article. `article` NULL is a tombstone: the user deleted';
CREATE TABLE IF NOT EXISTS "article_fetch_error" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "message" TEXT NOT NULL,
    "technical_debug_data" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "article_id" BIGINT NOT NULL REFERENCES "article" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_article_fet_article_9e8903" ON "article_fetch_error" ("article_id");
CREATE TABLE IF NOT EXISTS "comment" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "article_id" BIGINT NOT NULL REFERENCES "article" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_comment_article_e4badf" ON "comment" ("article_id");
CREATE TABLE IF NOT EXISTS "reading_list" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(255) NOT NULL,
    "slug" VARCHAR(255) NOT NULL,
    "is_default" BOOL NOT NULL,
    "enable_reading_on_scroll" BOOL NOT NULL,
    "auto_refresh_interval" INT NOT NULL,
    "order" INT NOT NULL,
    "read_status" VARCHAR(20) NOT NULL,
    "favorite_status" VARCHAR(20) NOT NULL,
    "for_later_status" VARCHAR(20) NOT NULL,
    "articles_max_age_value" INT NOT NULL,
    "articles_max_age_unit" VARCHAR(10) NOT NULL,
    "articles_reading_time" INT NOT NULL,
    "articles_reading_time_operator" VARCHAR(10) NOT NULL,
    "include_tag_operator" VARCHAR(5) NOT NULL,
    "exclude_tag_operator" VARCHAR(5) NOT NULL,
    "order_direction" VARCHAR(5) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reading_lis_user_id_94ce54" UNIQUE ("user_id", "slug")
);
COMMENT ON COLUMN "reading_list"."read_status" IS 'ALL: ALL\nONLY_UNREAD: ONLY_UNREAD\nONLY_READ: ONLY_READ';
COMMENT ON COLUMN "reading_list"."favorite_status" IS 'ALL: ALL\nONLY_FAVORITE: ONLY_FAVORITE\nONLY_NON_FAVORITE: ONLY_NON_FAVORITE';
COMMENT ON COLUMN "reading_list"."for_later_status" IS 'ALL: ALL\nONLY_FOR_LATER: ONLY_FOR_LATER\nONLY_NOT_FOR_LATER: ONLY_NOT_FOR_LATER';
COMMENT ON COLUMN "reading_list"."articles_max_age_unit" IS 'UNSET: UNSET\nHOURS: HOURS\nDAYS: DAYS\nWEEKS: WEEKS\nMONTHS: MONTHS';
COMMENT ON COLUMN "reading_list"."articles_reading_time_operator" IS 'UNSET: UNSET\nMORE_THAN: MORE_THAN\nLESS_THAN: LESS_THAN';
COMMENT ON COLUMN "reading_list"."include_tag_operator" IS 'ALL: ALL\nANY: ANY';
COMMENT ON COLUMN "reading_list"."exclude_tag_operator" IS 'ALL: ALL\nANY: ANY';
COMMENT ON COLUMN "reading_list"."order_direction" IS 'ASC: ASC\nDESC: DESC';
COMMENT ON TABLE "reading_list" IS 'A saved filter over the user''s articles. One list per user is the default (a partial unique index).';
CREATE TABLE IF NOT EXISTS "tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(50) NOT NULL,
    "slug" VARCHAR(50) NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_tag_user_id_44f2d8" UNIQUE ("user_id", "slug")
);
COMMENT ON TABLE "tag" IS 'A user''s tag, identified by its slug. Tags nest through SubTagMapping.';
CREATE TABLE IF NOT EXISTS "feed_tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "feed_id" BIGINT NOT NULL REFERENCES "feed" ("id") ON DELETE CASCADE,
    "tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_feed_tag_feed_id_9b3f5c" UNIQUE ("feed_id", "tag_id")
);
CREATE INDEX IF NOT EXISTS "idx_feed_tag_tag_id_cea019" ON "feed_tag" ("tag_id");
COMMENT ON TABLE "feed_tag" IS 'A tag applied to every new article of a feed.';
CREATE TABLE IF NOT EXISTS "article_tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "article_id" BIGINT NOT NULL REFERENCES "article" ("id") ON DELETE CASCADE,
    "tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_article_tag_article_7e21c4" UNIQUE ("article_id", "tag_id")
);
CREATE INDEX IF NOT EXISTS "idx_article_tag_tag_id_aa774a" ON "article_tag" ("tag_id", "article_id");
CREATE TABLE IF NOT EXISTS "articles_group_tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "articles_group_id" BIGINT NOT NULL REFERENCES "articles_group" ("id") ON DELETE CASCADE,
    "tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_articles_gr_article_1db563" UNIQUE ("articles_group_id", "tag_id")
);
CREATE INDEX IF NOT EXISTS "idx_articles_gr_tag_id_92f6c6" ON "articles_group_tag" ("tag_id");
CREATE TABLE IF NOT EXISTS "reading_list_tag" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "filter_type" VARCHAR(10) NOT NULL,
    "reading_list_id" BIGINT NOT NULL REFERENCES "reading_list" ("id") ON DELETE CASCADE,
    "tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reading_lis_reading_63a771" UNIQUE ("reading_list_id", "tag_id")
);
CREATE INDEX IF NOT EXISTS "idx_reading_lis_tag_id_2d0d7a" ON "reading_list_tag" ("tag_id");
COMMENT ON COLUMN "reading_list_tag"."filter_type" IS 'INCLUDE: INCLUDE\nEXCLUDE: EXCLUDE';
CREATE TABLE IF NOT EXISTS "sub_tag_mapping" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "base_tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    "sub_tag_id" BIGINT NOT NULL REFERENCES "tag" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_sub_tag_map_base_ta_767e68" UNIQUE ("base_tag_id", "sub_tag_id")
);
CREATE INDEX IF NOT EXISTS "idx_sub_tag_map_sub_tag_dd7756" ON "sub_tag_mapping" ("sub_tag_id");
CREATE TABLE IF NOT EXISTS "import_job" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(10) NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "file_path" VARCHAR(1024) NOT NULL,
    "original_filename" VARCHAR(255) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "bytes_read" BIGINT NOT NULL,
    "rows_done" BIGINT NOT NULL,
    "created_count" BIGINT NOT NULL,
    "skipped_count" BIGINT NOT NULL,
    "invalid_count" BIGINT NOT NULL,
    "rejected" JSONB NOT NULL,
    "checkpoint" JSONB,
    "error_message" TEXT NOT NULL,
    "lease_owner" VARCHAR(64) NOT NULL,
    "leased_until" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_import_job_status_49292d" ON "import_job" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_import_job_user_id_9bd235" ON "import_job" ("user_id");
COMMENT ON COLUMN "import_job"."kind" IS 'OPML: OPML\nCSV: CSV\nWALLABAG: WALLABAG';
COMMENT ON COLUMN "import_job"."status" IS 'PENDING: PENDING\nRUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED\nCANCELLED: CANCELLED';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    # Drops every table but "aerich", which records the downgrade itself.
    return """
        DROP TABLE IF EXISTS "import_job" CASCADE;
        DROP TABLE IF EXISTS "sub_tag_mapping" CASCADE;
        DROP TABLE IF EXISTS "reading_list_tag" CASCADE;
        DROP TABLE IF EXISTS "articles_group_tag" CASCADE;
        DROP TABLE IF EXISTS "article_tag" CASCADE;
        DROP TABLE IF EXISTS "feed_tag" CASCADE;
        DROP TABLE IF EXISTS "tag" CASCADE;
        DROP TABLE IF EXISTS "reading_list" CASCADE;
        DROP TABLE IF EXISTS "comment" CASCADE;
        DROP TABLE IF EXISTS "article_fetch_error" CASCADE;
        DROP TABLE IF EXISTS "feed_article" CASCADE;
        DROP TABLE IF EXISTS "article" CASCADE;
        DROP TABLE IF EXISTS "articles_group" CASCADE;
        DROP TABLE IF EXISTS "feed_update" CASCADE;
        DROP TABLE IF EXISTS "feed_entry" CASCADE;
        DROP TABLE IF EXISTS "feed" CASCADE;
        DROP TABLE IF EXISTS "feed_source" CASCADE;
        DROP TABLE IF EXISTS "feed_category" CASCADE;
        DROP TABLE IF EXISTS "user_settings" CASCADE;
        DROP TABLE IF EXISTS "notification" CASCADE;
        DROP TABLE IF EXISTS "application_token" CASCADE;
        DROP TABLE IF EXISTS "user" CASCADE;
        """


MODELS_STATE = (
    "eJztXWlz4zbS/isofclMvY7Xlo9kla2t0tjyWBlZSulIMhulOJQESRhToJaHPd7d/PcXAA"
    "/xACiSkmiKxhebBNEg9TSO7kZ347+1lT6DmnnaXK81NFUtpOOh/ghxrQH+W8PqCpILYZ0T"
    "UFPX600NWmCpE40RqZvaiuVXn5iWoU4tUmGuaiYkRTNoTg20pvUoWRNoOl58r6EnOAPNX9"
    "pgasAZxBZStZ+AjrUXYC0hUI2FjutgqZpLoM8BskxgQlLTAohcWTqhOaXvm+lT8kKEF/tv"
    "2sbo3zYkP20BCZlBXvDHHzXbJFcUBWQRFP78k1wiPIPfoEmf09v1ozJHUJuFAEYzSsTKFe"
    "tlzco+oEUbW3esLv0lE2Wqa/YKb+qvX6wlBdclQNiipQuIoaFakL7BMmwKMbY1zWWLh7rz"
    "9ZsqzlcGaGZwrtoaZRSldj5gU1ZTlG5vqAxaQ0WpxZjoUQTAd4umOqYdgHyqyQBY0E/4/u"
    "/1+sXFD/Wzi+sfry5/+OHqx7MfSV32vfFHP/zlfMwGLacphln7Y7s7pB+kk17m9ENa8Bej"
    "US3VoWLM2KBv2zz8R6P2LR99r34Ef1p8SqmiXPAwLy0bEhC9uW/2311cv2e/VzethcEeMn"
    "QYrBsYnT4fw/FmqRp8HH2CCJDk0/JA6BVsMNxMMUX05ZX6TdEgXlhLclu/ukpA9ddmnwFL"
    "ar0P99au+6juPIsgTKdRhc5MmWAOUUms02H9pGpohqwXBWLO5HBLsLLQCvIRj9JGMJ+5xK"
    "feRQoOuNNBWRiQgPew/dAaDJsPv9DmV6b5b40B1hy26JM6K32JlL67jrDGbwT81h7eA3oL"
    "/tXrtqLTkF9v+K8a/SbVtnQF68+KOgti4hV7RSFOa6ppKWThnimqlZXTUVrJ6TJzmkhxFP"
    "ccfA5T7oHLpZtRyQ+c9YgM7PbAI2G7O1gSuU5lciWrhB0g2i5mHwN/C5O0qZIzf+QL2q52"
    "FGbDHVGp0AJ/gi+MFW3y3Sqe8gRDVw8duc0cGQv+8vqYV7rpv4b67GuFwa5Hfjv5xdByJL"
    "zm4KZ526oxhCfq9PFZNWZKCGr6RK/rkRK/bvzRqr6KlqhYXTBw6K+g3+yi3tUtNHcV+hrH"
    "OhB6fpJkGcDRmimMAitomuS7wFw3iKoOAQUJvJtDosnPkElbnp0AtFrrhgXmCCNzCWdju3"
    "5Wv35/Cprg5r518wmsVWSYTMnXEH4EKp4x9d6C3yyetaCQd3LMCBGrwcaqQOdougT9KQ0J"
    "pTQkSA04oJWdn52l0MpILaFWxp6FtTLyRgtijvg2JONJILptSIpDuVZ7BXG89fswJJJ5SL"
    "57aP7+PiSWdXrdj171API3nd6HCOAIz3WFzlxZunWIqAKgRzt2/TJVz65fJnRt+lAAtUIX"
    "h1x4+5QVBP0As4m3nsagTlYGA2RS35f6vtT3S6bvr2c5uR6mlFwvC9c5g939emnlkVaecr"
    "HgyK08DHWOdcfjhtiq47E9hTUHA3U61W1snYIvcKUi7cvGtwJo+jM0vp+qJrWuPC/RdAlW"
    "6iM0mdnE4TKGpgloje8RNiE2kYWeIMeCc7j3bLfaSBNNKU00rBtk0a18gv2oVK/Lgsi2eR"
    "o1ltRK2DaPKbHsfwZ4vfqVU1gP4pSwVk3zWSdzfFYfkBhhBQ2OB0EcmUQGXSHMmbN1XYMq"
    "FkzaAbII1BNCdyis/ZJiDQMfer1OSE340I6aFkcPH1r9d+cMelIJWaH5Ooz3lC6zOQD36Q"
    "pE3Ju+jxZwk8g41EUXrvUpZ0oRiiUxuuIUqLPDSij188sfLn+8uL70BRO/JEkeiUM7J5ID"
    "nCmavkBYYXJoBnz5xBLkKMiaPn0kOBF8eHLdFu+tCK205pbHwCPw03PGQ05HvSCx5HWZeS"
    "0t9+IJ9DhtuNJy/xa5LrLcx8zHYmvnpnvEIspMjpLgtnH3qQ8138OMb2HmxbMdWbcQWZvD"
    "NpmAv92OkEWd/KoIF3Xw2xGmO9JEleFRSA+AC91AcA9A3ThtvVQVMNWwEJlVd52snFYqDp"
    "KyMHR7vR+ozI+0raoCRuUB0oiiIdPaEa++01SHtFRVtCx1sSNIQ3VRVXAcF3blqz7ZEaM2"
    "a+hnfVIlpDLttgftqpZF3peAaA/DoU7+bMeVbr4PAu0dpV2Cj2xG1wQfBYGLQhClZFcFJc"
    "igrT4L4h8rPQGO1BOAboeaypr0hBXCtsXZcBIygkdanGW+fnYstnlqa/mPjjOGxGxoCnQK"
    "GA1vaodCNbRLfZ3G6eJa7HNxHXO50FS8sMmUyUe5he1VzOMuYhrf0BeIuGNvyQB4rdX92G"
    "kP7hvAJc0cQpAqgiAhgCCWj2MJRd4u22H3iQvEnJrhsqLeHA17DUApx7jT/ng/bAANLZbW"
    "GN82+58aYKYaj+VghzQfi6Gvlvm4fI7fb0SgymC3j+tN21zEPYXowA7iZUi1tWf38J1cvp"
    "mxmqNPeUZssR4192qkCOCnP+g7E5j2xH8ALB2ogMXTm7ptTOEmav4RwrUJvnhh9mRi/sJC"
    "5zclZEIzdfwFUCSRSSN8eSH8Bb01MReg85ZYMsA//Acn4I/a1DOCy9j+cqqLMrY/ILtdpI"
    "rGvUiIxr2IR+Oamr3IArBXv3Ku44dBF1lQsY1MsQ9BmsqhXD+7/DGNvzipJnYYZw/DQAc/"
    "Loa1OE1FhKwCcBedqoJtTDPAuF18u0YeaqDMs3atPxic/f2sAQzTJP/HmN2fd92Cc+yVjL"
    "wS2y2puwV19/7Cvb9w7y/d+0t2X3deUXfecO7cnTt37HqMm8Pew9l5A6iWvjo7d+/r7n3d"
    "vb9w7y+ce9oQvact0Xvnboxvbu8aYDqbj/HPg16XNPqVyFrn7t2Ze3vm3nuPz/PYHuppJt"
    "i6eH6tc1JJzIlKu6SSuvqStwPGGilwFrhttjufleaQ9LteN6uN6L436nc+N4Dzf4w/tL0S"
    "72qMW7+2+p+Vh16/2+5+bIDQLbUlBV7fAKFbj5b8DdK6t2Pc65J2urfNz6RTbq5Z+fB+1B"
    "/4T/w79mzQHI76/jP/znk22rTnXo/x8Lf2TUtpKr+1Wp8aIHg3xnft/mCokHpK7468p0W/"
    "YnjfAPzyMX5o3952WpHKnELy27u3kWrREvJl933nY9wa4fs8I+QyzQi5FI+Qy9gI8Tw8DE"
    "jVJubDh3jWU6E+I25ARkVEd170NcSKbqAFwqpGRThl8uJ/dVyLTIqs2taUDG/LEG0VMC1k"
    "tVFHSGX8Qnls0nFP9ojBKJMiECeVykBmZUAGkIjXmuPcC5IBJG+R62l2AD3beeZdwAhhLj"
    "GyZItokcbygHGR7WRkxj9EJhNw5Ya/HFvgbwZ6mfvs0Jvb8bllD6DS/eyB31hFoQ1NqSFw"
    "+2SZ7bdvhjXu2rknfDPEcpVs4UwLcERmCEFMvgF0R51OUvK+yH7FfoLDKPQVDxBzNmd2Du"
    "OhSFU4lGel0gQXBQccHslIzhbJk8OJykNM4EsVADTZpcpjIKu51bWqg/CjCdSQj9N3JoDY"
    "Ml6orxM9esR1g3LbPQVf3KsvbLqiSTFVUnVF3qVj2PBJgDO1zaIbCEW8c4yRdQJMpy2nYU"
    "KC4ROpQlRDOAPqgjBX7H7lOacxWuURvjiOVr7Pmotx3C0r9ER6YpXOE2vD0BgTxFbVEFGZ"
    "9/ZLa1FlGZRMCHNnXwrQSvtaWexraayq0pb+FrnubbdnXezCdNKmmteoxyTBrOAHiKRRb1"
    "9GPU9k3IN95AhZkNYwEuh62416AQ1nR1Qrp6ZGcQ3Pp5ntTYdWen2Ln0DrDVoEt6i9QVtk"
    "hpCiua7NiFKoz1lQj/mTW0CVRdMi6qOh24sl+LJWDaIEfEmIEsrRUHLgDw1QiOuXDr1UL0"
    "uqXspAn0Mfu1f+QJ/jxlfqa2L0q6uvSd+nqnE9je+TI0xk1hNDZFJHl443RwG9dLwp0vHG"
    "1VN2B/VtOIaEptSsRzq+RvbpI8E5LNoukTYzIO84rsNlnT4WoA5t6mnRPdSawM7jPDzZau"
    "SBfr0054Q6G/905xAgTB0OmHvbCXiEL3AGJi/ssE40ow+pnwDL6vJON1jxqN953wDPS9Vy"
    "D/ZUvfYwfAak0nSpYvJjuQeHFvZirgVp4/MY8F6IGJKk+aiU5iPpnfAq3gkZM5tUNanJ+V"
    "k9TX5RWi3BolSP5RglL6VB15nPHY3SVQ7w/adzdT2485tzuA3IcOHyGHHitrs5MvI7V8WI"
    "pQWvLMxPY7eVfnVvlfMyarJMFkQZZ1bLYO0Sx5mlsHYd2lDhoi+wVGx4s8VUsekR220VPQ"
    "zBDJkWwlPLsQaM+p0TcmVNl+RGJz0GzInqr2oasxG4kRMTaJg/gaVOfplrRyD1AelhFmSZ"
    "Z01KbWswbqMo4oXybJMST2UnCUaI19SGXxf+QlJ8QkvN5MDi1a+c9nsocwOTa8m0jEirnI"
    "lEjHSMsHqQ19N0aVJLDHg91qEn+uwls20nRFQ5nPdv2MHwm6WQ5XX6mEPTixEXo+q9wtEI"
    "ZdfsUhl0NKiaUNGfMc8rIWH6CpPJQbV1UDHEZoqNLcQRebZYTyK00kZa6iFFl3Y2A+ayin"
    "PIJb9Lz2/dtqZ6/jPWom0UOKF2aZLqjLOqQ9QA7N8YD0Y3Ny2aad29GGNK+9C7bd+1W7ek"
    "WuBujO+a7c6o32oA9yJqMUinMKVSlzLkRWccgIahc9ZB8X54mKoCy2DR2+EMO4V8AVQf48"
    "ALrTBRMplYOxaVyzbbHJzybtUFqeUaVOY1yIDUL0edW9DIJ2JyG5A8LzPPZfSUeDKt7l6s"
    "jJ6qGtdF0VOxLeA0XvnBRGfFeOeXrRekcs+nfqxoH8ksfW/yKqLkzBh7QGnEGqoSTIf2DK"
    "CpPwVuAW5W0C0+Ae5OXpr0FKQqIK1pCM5oTkSaudCJAHAzetBEE85BtLycFBmpE1Mg0o+O"
    "56HwS+UGfuk28GXyp1eL6SXDIjPyGxoJ/L788WTWrb1n3eK6rWRGtFrps6OAboZy2bwaXW"
    "lPIL5sZMEtEoy9qZjKq9HQn8EaGq6noGpZcLW2HOnDcZBsANOeTqFpngCsW8DzvjmhkY5z"
    "FWm2AcEzspY03zOcLjGaqhow4FQ3OIJPIW/c7tcYDMEMmHWkuFROcYn6r9ochSrdLuGGus"
    "yhl7UqbAcuLWutiLglHCwRqgrlq9nbvpSzp7QicyJZQLJstcYI5W5r5t1Wf5EhP2ViLxQ6"
    "T8V5QI8tF6gPAvqoMRlNLfA/oCHzCDt8Ak8oMMk8icJ/ErYE0wZiO+DSR1v6aFfJRxvDZ0"
    "VoXxcunREq6dARS+Hmbt9lh5ZDKeGNwosWWDe8tD80wwkHYfHCyKfeaVnMN2/8Y27jKcUS"
    "TGykWQibp/R9/3wFCeYgq+XMNth+k7LKMgIiVLL3R3u/9CURQ32cXgUyrr+UxiEZ11/1uP"
    "6EwxVTHayY5UxFMaqJ5z3QMOo/6RmDC0O316yT0AtFN2akQnwDnh3Wyba5pF25nHblsmeV"
    "OyQDCjEiyMM2AiBfpDoM4iLhMIiLYzxsoyCjzGHQtVcrlXd6utjgHiCpAMZFm9rdhJJZAA"
    "+QSMDzAu5gxp1Htm+wRtsokA0W6RZ/W1orLSM/avfDhw4ReTzyMf7dKWE+mVNm9vjbN/rk"
    "/77Rp790mu2uW3+tEW7VckxRV2lmqCvxBHUVm5+okk3er3hGgpSGnSiZtOxELTuqTRAxMh"
    "kzAyTSgrl3CyadYww0sa2MXInSSdbsnTVrAz4h+KysCZa2AZWMWpWAvAJreTE6VhQ/Vcsk"
    "PgnIKwB/4UH53yxoYFWjQSSZ5qgYoZyk9j5J+RgnnXue4D7CJ6/AKImIqOf1NDLqeV0spN"
    "JnEWEKY91SBbGVCQJVmEwOir0PCk3FC5vrUJjk3rOhqV73T9P5xV0/Zv6kP1nR54rQrJHg"
    "NMihlUNg70OAqsI59u8DZDLdR3kyAMQ36/U1gT4Ph0OEksdl5jEylbn6pBvI4qxkH3Rdgy"
    "oWbKeGKSNsnhDSQ02sfkmxvP3Q63VCbP3Qjmo2o4cPLaKGMn6SSsgKbaaGUdcNRSPAcJK/"
    "bYU9SCpxz4A7cytw/Th2sdrz2ilQoLtrtW6zGu0pTQPQv2P80OyOmp0GcP7nMcfvP/wpBG"
    "nWrW8uceUk7INs0wb9cGKIC3dBIlRyEyQ606ztCZH1l7nEpyitlKDKLEGVKD2a5PLhdKHJ"
    "VyW/y3qcWrqtl4X9adzWKf/yj/M4teR+WbjPGfyxpHSOsJPV3ThIVaGw/IJTTvmO4Jnxj1"
    "JKHuTlAXXizwx/gEgG7OwrYMcLp9gxXGfkNnNkLEgbqBPoetsTf20iTXbHNWVCtZJNKmlh"
    "jU6oIWzJR4DuqNOpxVfOPQDrhjGZH/3ooUoiHBQZBOiKI8wiGTJdZ4s9pNINxJBVA/ZQF2"
    "WZ1JxzJ3bEysXpjjbY8g5oqcgUG/ZJcf14+L5aOSCrVtrEiO/tagUpwU443TitVAmkAgJi"
    "AyNRHBobHq5bg2SVwHzBCPYaMBuLg/VCc2UUbDmjYHNklXuVfHKvZOWVGeVKx5PDRJjIZC"
    "4Vs4umsYonuYMnLUGJfuDSOpS8GiVYhwJ5PPajbx8hI9Kq2uE+WMJsLoLjWMIa03ZxNe2h"
    "LJnE1D+CXU18gsoJkPJrCWaMJPlVTuHySJW3A7xcOwtbO+XZKlU4WyW87yIWRzYbM1slEl"
    "PxN4XSnBRnQppAmJ1w4tIDqlABhAHzPuWdD5eKJo31jW23StGlnKKLzI8m86Mds+N98Mti"
    "IIvNxxGyCmBdeNouaax8g8bKErnpS64X5rorXRfLomBL18W9uC6m8f/aj+tXtd2+wtro/l"
    "yZHE24WraKInx1NrhtszKk3foIsPaAOyABc4Y8Sr6MS9LJ9t0Pr6fk3AQJk0uJQe6FHAPw"
    "2/dCAlNbwe77ZeNKxo2R8IQg90equz/i+WVzZJaAy7ZYVJkGKklH4rcsitDs+FnMwF79Su"
    "xlSAtwaVhxpLZAaQF+i1xPYwGWHm6lVC72p1UcISOO30m575yC06HRMRzhN/g4UQD2TtPx"
    "wmxSuQSpT3AG5kizoAH0J/KHSL2AWs6/M32Pn1PQw5BF74A1qUGfAmSymi47wTsVrGl1VQ"
    "NOxwCsO7znuhQV8c7EEzSZc0XUvCiF+XIK89I1KZAq9CpNZnhSS5ws9CqWHb78rknHjS8y"
    "/c+OzyNb0hMHCGVy4gzJiSFmxxZ4SyLBjXysrnEOhErkQFIzkh8Z+MG0CgPOiS6yVMirof"
    "Gkcpgh1iBE9DJbbhTqrOmHZeJhIZTsdA2iOlk2x6EhXXbzSBMFupg2O51aNpwpSQOQP2Pc"
    "63Y+K6Nuv9W8bYDAjfskUE4vo0J+qqV271nPvRMUduQYp5mj4tpd89devz1sufzxbt2n3V"
    "43WiNYVBJOeocy7MpKTjvHxcteX+k0h62+x0zv3ufmMFYnVFYOfvp7ufQ96gIqZPG2sxwU"
    "LG5ALloxUSuKFfmVHM0j3QgSNlbgMBp1CcRZBxIjagD2b4zve6P+oAHYvzG+bX4mN/TvGP"
    "/Wan0iN+zfGD/0usN7cuv8zzN4ztMMnnPx4DkXD56ch2wL6eXQEQ6dIFSKvqaA6ByZOuMY"
    "ErZ6XIPpoddvKcP7ZpeOE/dyjDutwcAt9S/LMYAQnmr2jKXv2JmXoraORapodj+Tq+7nPJ"
    "zZ86GU8Nv+2CJqS7IlM1uYOUCZIQNO+eGU6TjCaaZAZty2BjeZuTG4ITwY3BD5oEUv/TZe"
    "lx/Sv0aM+3F6Wkj/mrfI9TT+NTLCsiyeNTLCsrAIy6Dbyh5iBwPuMtXy4j9o5GAEtWQ3pK"
    "1Rg1GWstp7jhmMejvJiMEyTrEnQOzZ43iAOTjm1DIiTRSoYbS7N53RbSurkuGSNYB7Mcat"
    "390S96IcNpPQCM46TDjEUjKRkZzHAHyCSBhdcHYUDSNuvUfGkbQSImcqkDGc1Y3hHNgTAv"
    "sDkQyd3xiTIsMVEoVI054we+4qUHnPMuRENf2s3u7rODJk6ImUI0snR3pczLxKRgjlUplb"
    "RvHGalYOhOkkA/YlqwQnNrmMJiyjkSlgu2ziLQYS2GRgwyO7TDKKwL611aiV1o5Va3qxbI"
    "TiBKAZxBYi3zYDkxeALBPQ+JlTQN5nAgxNC1hLQ7cXSxCSjXiBc/tqVsbGHdEsnyT5yNi4"
    "4L57GiPYldgIdnWEObuPGFy511kWYVHudRa218lOE999j5OeJF4t8ZGbZkSeiZ0aK5l7Ny"
    "tw0u0gB2gRm+yOmMWMwVWEzLcwSMwSMTukyt9erXXD+lmf1DiK/+bhSZL6j1g15atb77AZ"
    "JjfhigEnXlJLHqP16oL0SYI+/kh+PF9h3O7K4tGWWXms9X556DQA/TvGN4NfG4D8GePfmp"
    "1O80PzYwN4V1Hj1es4sewWPPwqIcO/tLq37e7HWka+uGQN4F6McX/U7bIS92KMb3vdVgPQ"
    "v2N812x3WrcN4PwnvGx2b1odVuRfloOHc0QUgbVKWueykT+rhYjKPKByWmPOz+qXqYCuXy"
    "ZATR9GY3/QAmFVUyiArDAD6FziChypVkQGLvQfqExeLO4xM0nbpyG6ysTzFrx5zQBkwbkZ"
    "3QdCdBL9fOgb+rOpzHTMmWsSfUyDZBL7fNh7ysVUtzEvOV0C/jFSyYOcrjOPaL3Ox4MYqe"
    "RBPh4g/KRqKBcPYqSSBznXAfgVTilAMfh/HvS6okCDDU000hVNLfA/oB3Qvbr2j7mNWXQ7"
    "mNhIsxA2T+n7/nkoSTQBY4oRbVl8tEP0FIeTcPQqbSB2tMMSTh/XOuKNCTFTwlQ7saWchy"
    "EWhj80DN1QVtA01QVHPBIfaBIjrIAalhTmfYhzTTRIDff6M+Ztjou14AhZBYAP67/XaQwP"
    "12Kzw3XM6MAQmylk+UScjLDJyQ6itHtId3A8c07JsxuwIpnKpNJJLdKkMjEt1cjH9TClHN"
    "tlHttzhJG5zMXmCKnkc5n5LBMTVW0O57BdJiaSzrqlZEEBzrqH9ENqQgNNlzWOE5L75CTJ"
    "A0nd1Dmk91Em36K34li0Y4phscvQEzRMYZpNPrQBkgr6Nhxkg50OqgwIu9UriO75WToPnS"
    "QXnZiPDnmjBTMaiTckxRvuj9xEHJMOilzM/vp/3rf/ow=="
)
