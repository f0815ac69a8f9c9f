"""Constraints, indexes and the search vector that Tortoise's DDL cannot express (hand-written).

- a CHECK for every enum column, and for the rules of the data model (lower-cased emails, reading
  speed >= 1, disabled feeds' consistency, notification links, non-negative counters);
- one default reading list per user (a partial unique index);
- `article.search_vector`: a stored, weighted tsvector (title A, summary B, content and authors C,
  source title D) with a GIN index; content, summary and authors are capped (500,000, 200,000 and
  20,000 characters) so that a huge article never exceeds PostgreSQL's 1 MB tsvector limit;
- the indexes the reading lists sort and filter with.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "article" ADD CONSTRAINT "article_content_type_check" CHECK ("content_type" IN ('application/xhtml+xml', 'text/html', 'text/plain'));
        ALTER TABLE "article" ADD CONSTRAINT "article_main_source_type_check" CHECK ("main_source_type" IN ('FEED', 'MANUAL'));
        ALTER TABLE "feed" ADD CONSTRAINT "feed_feed_type_check" CHECK ("feed_type" IN ('atom', 'atom01', 'atom02', 'atom03', 'atom10', 'cdf', 'json1', 'json10', 'json11', 'rss', 'rss090', 'rss091n', 'rss091u', 'rss092', 'rss093', 'rss094', 'rss10', 'rss20'));
        ALTER TABLE "feed" ADD CONSTRAINT "feed_refresh_delay_check" CHECK ("refresh_delay" IN ('BIHOURLY', 'DAILY_AT_NOON', 'END_OF_THE_MONTH', 'EVERY_EVENING', 'EVERY_MORNING', 'FIRST_DAY_OF_THE_MONTH', 'HOURLY', 'MIDDLE_OF_THE_MONTH', 'ON_MONDAYS', 'ON_SATURDAYS', 'ON_SUNDAYS', 'ON_THURSDAYS', 'THRICE_A_MONTH', 'TWICE_A_WEEK'));
        ALTER TABLE "feed_source" ADD CONSTRAINT "feed_source_last_outcome_check" CHECK ("last_outcome" IN ('FAILURE', 'NEVER', 'NOT_MODIFIED', 'SUCCESS'));
        ALTER TABLE "feed_update" ADD CONSTRAINT "feed_update_status_check" CHECK ("status" IN ('FAILURE', 'NOT_MODIFIED', 'SUCCESS'));
        ALTER TABLE "import_job" ADD CONSTRAINT "import_job_kind_check" CHECK ("kind" IN ('CSV', 'OPML', 'WALLABAG'));
        ALTER TABLE "import_job" ADD CONSTRAINT "import_job_status_check" CHECK ("status" IN ('CANCELLED', 'DONE', 'FAILED', 'PENDING', 'RUNNING'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_articles_max_age_unit_check" CHECK ("articles_max_age_unit" IN ('DAYS', 'HOURS', 'MONTHS', 'UNSET', 'WEEKS'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_articles_reading_time_operator_check" CHECK ("articles_reading_time_operator" IN ('LESS_THAN', 'MORE_THAN', 'UNSET'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_exclude_tag_operator_check" CHECK ("exclude_tag_operator" IN ('ALL', 'ANY'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_favorite_status_check" CHECK ("favorite_status" IN ('ALL', 'ONLY_FAVORITE', 'ONLY_NON_FAVORITE'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_for_later_status_check" CHECK ("for_later_status" IN ('ALL', 'ONLY_FOR_LATER', 'ONLY_NOT_FOR_LATER'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_include_tag_operator_check" CHECK ("include_tag_operator" IN ('ALL', 'ANY'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_order_direction_check" CHECK ("order_direction" IN ('ASC', 'DESC'));
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_read_status_check" CHECK ("read_status" IN ('ALL', 'ONLY_READ', 'ONLY_UNREAD'));
        ALTER TABLE "reading_list_tag" ADD CONSTRAINT "reading_list_tag_filter_type_check" CHECK ("filter_type" IN ('EXCLUDE', 'INCLUDE'));
        ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_language_check" CHECK ("language" IN ('en'));
        ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_theme_check" CHECK ("theme" IN ('auto', 'dark', 'light'));
        ALTER TABLE "user" ADD CONSTRAINT "user_email_lowercase_check" CHECK ("email" = lower("email"));
        ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_words_per_minute_check"
            CHECK ("words_per_minute" >= 1);
        ALTER TABLE "feed" ADD CONSTRAINT "feed_disabled_consistency_check"
            CHECK ("disabled_at" IS NOT NULL OR "disabled_reason" = '');
        ALTER TABLE "feed" ADD CONSTRAINT "feed_article_retention_time_check" CHECK ("article_retention_time" >= 0);
        ALTER TABLE "notification" ADD CONSTRAINT "notification_info_link_check"
            CHECK (("info_link" = '') = ("info_link_text" = ''));
        ALTER TABLE "article" ADD CONSTRAINT "article_reading_time_check" CHECK ("reading_time" >= 0);
        ALTER TABLE "reading_list" ADD CONSTRAINT "reading_list_counters_check" CHECK (
            "auto_refresh_interval" >= 0 AND "articles_max_age_value" >= 0 AND "articles_reading_time" >= 0
        );
        ALTER TABLE "sub_tag_mapping" ADD CONSTRAINT "sub_tag_mapping_not_self_check" CHECK ("base_tag_id" <> "sub_tag_id");
        CREATE UNIQUE INDEX "reading_list_one_default_per_user" ON "reading_list" ("user_id") WHERE "is_default";
        ALTER TABLE "article" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A')
            || setweight(to_tsvector('english'::regconfig, left(coalesce("summary", ''), 200000)), 'B')
            || setweight(to_tsvector('english'::regconfig, left(coalesce("content", ''), 500000)), 'C')
            || setweight(to_tsvector('english'::regconfig, left(coalesce("authors"::text, ''), 20000)), 'C')
            || setweight(to_tsvector('english'::regconfig, coalesce("main_source_title", '')), 'D')
        ) STORED;
        CREATE INDEX "article_search_vector_idx" ON "article" USING GIN ("search_vector");
        CREATE INDEX "article_user_sort_idx"
            ON "article" ("user_id", (COALESCE("updated_at", "published_at", "obj_created_at")) DESC, "id" DESC);
        CREATE INDEX "article_user_unread_sort_idx"
            ON "article" ("user_id", (COALESCE("updated_at", "published_at", "obj_created_at")) DESC, "id" DESC)
            WHERE "read_at" IS NULL;
        CREATE INDEX "article_user_favorite_idx" ON "article" ("user_id") WHERE "is_favorite";
        CREATE INDEX "article_user_for_later_idx" ON "article" ("user_id") WHERE "is_for_later";
        CREATE INDEX "article_user_published_idx" ON "article" ("user_id", "published_at");
        CREATE INDEX "feed_source_due_idx" ON "feed_source" ("next_check_at") WHERE "leased_until" IS NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "feed_source_due_idx";
        DROP INDEX IF EXISTS "article_user_published_idx";
        DROP INDEX IF EXISTS "article_user_for_later_idx";
        DROP INDEX IF EXISTS "article_user_favorite_idx";
        DROP INDEX IF EXISTS "article_user_unread_sort_idx";
        DROP INDEX IF EXISTS "article_user_sort_idx";
        DROP INDEX IF EXISTS "article_search_vector_idx";
        ALTER TABLE "article" DROP COLUMN IF EXISTS "search_vector";
        DROP INDEX IF EXISTS "reading_list_one_default_per_user";
        ALTER TABLE "sub_tag_mapping" DROP CONSTRAINT IF EXISTS "sub_tag_mapping_not_self_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_counters_check";
        ALTER TABLE "article" DROP CONSTRAINT IF EXISTS "article_reading_time_check";
        ALTER TABLE "notification" DROP CONSTRAINT IF EXISTS "notification_info_link_check";
        ALTER TABLE "feed" DROP CONSTRAINT IF EXISTS "feed_article_retention_time_check";
        ALTER TABLE "feed" DROP CONSTRAINT IF EXISTS "feed_disabled_consistency_check";
        ALTER TABLE "user_settings" DROP CONSTRAINT IF EXISTS "user_settings_words_per_minute_check";
        ALTER TABLE "user" DROP CONSTRAINT IF EXISTS "user_email_lowercase_check";
        ALTER TABLE "article" DROP CONSTRAINT IF EXISTS "article_content_type_check";
        ALTER TABLE "article" DROP CONSTRAINT IF EXISTS "article_main_source_type_check";
        ALTER TABLE "feed" DROP CONSTRAINT IF EXISTS "feed_feed_type_check";
        ALTER TABLE "feed" DROP CONSTRAINT IF EXISTS "feed_refresh_delay_check";
        ALTER TABLE "feed_source" DROP CONSTRAINT IF EXISTS "feed_source_last_outcome_check";
        ALTER TABLE "feed_update" DROP CONSTRAINT IF EXISTS "feed_update_status_check";
        ALTER TABLE "import_job" DROP CONSTRAINT IF EXISTS "import_job_kind_check";
        ALTER TABLE "import_job" DROP CONSTRAINT IF EXISTS "import_job_status_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_articles_max_age_unit_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_articles_reading_time_operator_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_exclude_tag_operator_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_favorite_status_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_for_later_status_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_include_tag_operator_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_order_direction_check";
        ALTER TABLE "reading_list" DROP CONSTRAINT IF EXISTS "reading_list_read_status_check";
        ALTER TABLE "reading_list_tag" DROP CONSTRAINT IF EXISTS "reading_list_tag_filter_type_check";
        ALTER TABLE "user_settings" DROP CONSTRAINT IF EXISTS "user_settings_language_check";
        ALTER TABLE "user_settings" DROP CONSTRAINT IF EXISTS "user_settings_theme_check";"""


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
