"""Unread counts of every reading list from one index (hand-written; the models are unchanged).

- `article.tag_ids`: the article's tag ids, sorted, kept equal to its `article_tag` rows by statement
  triggers on `article_tag` (insert, delete, update: every writer and every cascade goes through them).
  The triggers change the array in place (union / difference with the statement's rows, never a re-read of
  `article_tag`), so two transactions tagging one article at once both land: the second one's UPDATE
  re-evaluates on the row the first committed. Writers that already know the tags (the feed refresh) set
  the array when inserting, and the trigger then leaves the row alone.
- `article_unread_counts_idx`: a partial covering index of the unread articles holding every column a
  reading list filters on, so that counting the unread articles of all lists is an index-only scan.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "article" ADD COLUMN "tag_ids" BIGINT[] NOT NULL DEFAULT '{}';
        UPDATE "article" a SET "tag_ids" = t.ids
        FROM (SELECT "article_id", array_agg("tag_id" ORDER BY "tag_id") AS ids FROM "article_tag" GROUP BY "article_id") t
        WHERE t."article_id" = a."id";

        CREATE FUNCTION "article_tag_ids_added"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "article" a
            SET "tag_ids" = ARRAY(SELECT DISTINCT x FROM unnest(a."tag_ids" || c.ids) AS x ORDER BY x)
            FROM (SELECT "article_id", array_agg("tag_id") AS ids FROM added GROUP BY "article_id") c
            WHERE a."id" = c."article_id" AND NOT a."tag_ids" @> c.ids;
            RETURN NULL;
        END $$;
        CREATE FUNCTION "article_tag_ids_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "article" a
            SET "tag_ids" = ARRAY(SELECT x FROM unnest(a."tag_ids") AS x WHERE x <> ALL(c.ids) ORDER BY x)
            FROM (SELECT "article_id", array_agg("tag_id") AS ids FROM removed GROUP BY "article_id") c
            WHERE a."id" = c."article_id" AND a."tag_ids" && c.ids;
            RETURN NULL;
        END $$;
        CREATE TRIGGER "article_tag_ids_on_insert" AFTER INSERT ON "article_tag"
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "article_tag_ids_added"();
        CREATE TRIGGER "article_tag_ids_on_delete" AFTER DELETE ON "article_tag"
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "article_tag_ids_removed"();
        -- An update is a removal then an addition: PostgreSQL fires a table's triggers in name order.
        CREATE TRIGGER "article_tag_ids_on_update_1_removed" AFTER UPDATE ON "article_tag"
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "article_tag_ids_removed"();
        CREATE TRIGGER "article_tag_ids_on_update_2_added" AFTER UPDATE ON "article_tag"
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "article_tag_ids_added"();

        CREATE INDEX "article_unread_counts_idx" ON "article" ("user_id")
            INCLUDE ("id", "is_favorite", "is_for_later", "reading_time", "published_at", "tag_ids")
            WHERE "read_at" IS NULL;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "article_unread_counts_idx";
        DROP TRIGGER IF EXISTS "article_tag_ids_on_insert" ON "article_tag";
        DROP TRIGGER IF EXISTS "article_tag_ids_on_delete" ON "article_tag";
        DROP TRIGGER IF EXISTS "article_tag_ids_on_update_1_removed" ON "article_tag";
        DROP TRIGGER IF EXISTS "article_tag_ids_on_update_2_added" ON "article_tag";
        DROP FUNCTION IF EXISTS "article_tag_ids_added"();
        DROP FUNCTION IF EXISTS "article_tag_ids_removed"();
        ALTER TABLE "article" DROP COLUMN IF EXISTS "tag_ids";"""


MODELS_STATE = (
    "eJztXWlz4zbS/isofclMvY7Xlo9kla2t0tjyWBlZSulIMjtKcSgJkhBToJaHPd7d/PcXAA"
    "/xACiSkmiKxhebBNEg9TSO7kZ347+1lT6DmnnaXK81NFUtpOOh/ghxrQH+W8PqCpILYZ0T"
    "UFPX600NWmCpE40RqZvaiuVXn5iWoU4tUmGuaiYkRTNoTg20pvUoWRNoOl58r6EnOAPNX9"
    "pgasAZxBZStZ+AjrUXYC0hUI2FjutgqZpLoM8BskxgQlLTAohcWTqhOaXvm+lT8kKEF/tv"
    "2sbo3zYkP20BCZlBXvDlS802yRVFAVkEhT/+IJcIz+A3aNLn9Hb9qMwR1GYhgNGMErFyxX"
    "pZs7IPaNHG1h2rS3/JRJnqmr3Cm/rrF2tJwXUJELZo6QJiaKgWpG+wDJtCjG1Nc9nioe58"
    "/aaK85UBmhmcq7ZGGUWpnQ/YlNUUpdsbKoPWUFFqMSZ6FAHw3aKpjmkHIJ9qMgAW9BO+/3"
    "u9fnHxQ/3s4vrHq8sffrj68exHUpd9b/zRD385H7NBy2mKYdb+2O4O6QfppJc5/ZAW/MVo"
    "VEt1qBgzNujbNg//0ah9y0ffqx/BnxafUqooFzzMS8uGBERv7pv9dxfX79nv1U1rYbCHDB"
    "0G6wZGp8/HcLxZqgYfR58gAiT5tDwQegUbDDdTTBF9eaV+UzSIF9aS3NavrhJQ/bXZZ8CS"
    "Wu/DvbXrPqo7zyII02lUoTNTJphDVBLrdFg/qRqaIetFgZgzOdwSrCy0gnzEo7QRzGcu8a"
    "l3kYID7nRQFgYk4D1sP7QGw+bDL7T5lWn+W2OANYct+qTOSl8ipe+uI6zxGwG/tYf3gN6C"
    "f/W6reg05Ncb/qtGv0m1LV3B+rOizoKYeMVeUYjTmmpaClm4Z4pqZeV0lFZyusycJlIcxT"
    "0Hn8OUe+By6WZU8gNnPSIDuz3wSNjuDpZErlOZXMkqYQeItovZx8DfwiRtquTMH/mCtqsd"
    "hdlwR1QqtMCf4AtjRZt8t4qnPMHQ1UNHbjNHxoK/vD7mlW76r6E++1phsOuR305+MbQcCa"
    "85uGnetmoM4Yk6fXxWjZkSgpo+0et6pMSvG3+0qq+iJSpWFwwc+ivoN7uod3ULzV2Fvsax"
    "DoSenyRZBnC0ZgqjwAqaJvkuMNcNoqpDQEEC7+aQaPIzZNKWZycArda6YYE5wshcwtnYrp"
    "/Vr9+fgia4uW/dfAJrFRkmU/I1hB+BimdMvbfgN4tnLSjknRwzQsRqsLEq0DmaLkF/SENC"
    "KQ0JUgMOaGXnZ2cptDJSS6iVsWdhrYy80YKYI74NyXgSiG4bkuJQrtVeQRxv/T4MiWQeku"
    "8emr+/D4llnV73o1c9gPxNp/chAjjCc12hM1eWbh0iqgDo0Y5dv0zVs+uXCV2bPhRArdDF"
    "IRfePmUFQT/AbOKtpzGok5XBAJnU96W+L/X9kun761lOrocpJdfLwnXOYHe/Xlp5pJWnXC"
    "w4cisPQ51j3fG4IbbqeGxPYc3BQJ1OdRtbp+ArXKlI+7rxrQCa/gyN76eqSa0rz0s0XYKV"
    "+ghNZjZxuIyhaQJa43uETYhNZKEnyLHgHO4926020kRTShMN6wZZdCufYD8q1euyILJtnk"
    "aNJbUSts1jSiz7nwFer37lFNaDOCWsVdN81skcn9UHJEZYQYPjQRBHJpFBVwhz5mxd16CK"
    "BZN2gCwC9YTQHQprv6RYw8CHXq8TUhM+tKOmxdHDh1b/3TmDnlRCVmi+DuM9pctsDsB9ug"
    "IR96bvowXcJDIOddGFa33KmVKEYkmMrjgF6uywEkr9/PKHyx8vri99wcQvSZJH4tDOieQA"
    "Z4qmLxBWmByaAV8+sQQ5CrKmTx8JTgQfnly3xXsrQiutueUx8Aj89JzxkNNRL0gseV1mXk"
    "vLvXgCPU4brrTcv0Wuiyz3MfOx2Nq56R6xiDKToyS4bdx96kPN9zDjW5h58WxH1i1E1uaw"
    "TSbgb7cjZFEnvyrCRR38doTpjjRRZXgU0gPgQjcQ3ANQN05bL1UFTDUsRGbVXScrp5WKg6"
    "QsDN1e7wcq8yNtq6qAUXmANKJoyLR2xKvvNNUhLVUVLUtd7AjSUF1UFRzHhV35U5/siFGb"
    "NfSzPqkSUpl224N2Vcsi70tAtIfhUCd/tuNKN98HgfaO0i7BRzaja4KPgsBFIYhSsquCEm"
    "TQVp8F8Y+VngBH6glAt0NNZU16wgph2+JsOAkZwSMtzjJfPzsW2zy1tfxHxxlDYjY0BToF"
    "jIY3tUOhGtqlvk7jdHEt9rm4jrlcaCpe2GTK5KPcwvYq5nEXMY1v6AtE3LG3ZAC81up+7L"
    "QH9w3gkmYOIUgVQZAQQBDLx7GEIm+X7bD7xAViTs1wWVFvjoa9BqCUY9xpf7wfNoCGFktr"
    "jG+b/U8NMFONx3KwQ5qPxdBXy3xcPsfvNyJQZbDbx/WmbS7inkJ0YAfxMqTa2rN7+E4u38"
    "xYzdGnPCO2WI+aezVSBPDTH/SdCUx74j8Alg5UwOLpTd02pnATNf8I4doEX70wezIxf2Wh"
    "85sSMqGZOv4KKJLIpBG+vBD+gt6amAvQeUssGeAX/8EJ+FKbekZwGdtfTnVRxvYHZLeLVN"
    "G4FwnRuBfxaFxTsxdZAPbqV851/DDoIgsqtpEp9iFIUzmU62eXP6bxFyfVxA7j7GEY6ODH"
    "xbAWp6mIkFUA7qJTVbCNaQYYt4tv18hDDZR51q71B4Ozv581gGGa5P8Ys/vzrltwjr2SkV"
    "diuyV1t6Du3l+49xfu/aV7f8nu684r6s4bzp27c+eOXY9xc9h7ODtvANXSV2fn7n3dva+7"
    "9xfu/YVzTxui97Qleu/cjfHN7V0DTGfzMf550OuSRv8ksta5e3fm3p65997j8zy2h3qaCb"
    "Yunl/rnFQSc6LSLqmkrr7k7YCxRgqcBW6b7c5npTkk/a7XzWojuu+N+p3PDeD8H+MPba/E"
    "uxrj1q+t/mflodfvtrsfGyB0S21Jgdc3QOjWoyV/g7Tu7Rj3uqSd7m3zM+mUm2tWPrwf9Q"
    "f+E/+OPRs0h6O+/8y/c56NNu2512M8/K1901Kaym+t1qcGCN6N8V27PxgqpJ7SuyPvadGv"
    "GN43AL98jB/at7edVqQyp5D89u5tpFq0hHzZfd/5GLdG+D7PCLlMM0IuxSPkMjZCPA8PA1"
    "K1ifnwIZ71VKjPiBuQURHRnRd9DbGiG2iBsKpREU6ZvPhfHdcikyKrtjUlw9syRFsFTAtZ"
    "bdQRUhm/UB6bdNyTPWIwyqQIxEmlMpBZGZABJOK15jj3gmQAyVvkepodQM92nnkXMEKYS4"
    "ws2SJapLE8YFxkOxmZ8Q+RyQRcueEvxxb4m4Fe5j479OZ2fG7ZA6h0P3vgN1ZRaENTagjc"
    "Pllm++2bYY27du4J3wyxXCVbONMCHJEZQhCTbwDdUaeTlLwvsl+xn+AwCn3FA8SczZmdw3"
    "goUhUO5VmpNMFFwQGHRzKSs0Xy5HCi8hAT+FIFAE12qfIYyGpuda3qIPxoAjXk4/SdCSC2"
    "jBfq60SPHnHdoNx2T8FX9+orm65oUkyVVF2Rd+kYNnwS4Exts+gGQhHvHGNknQDTactpmJ"
    "Bg+ESqENUQzoC6IMw9BQNapGpunUf4YoKV+gLWOuE8/RZ6cov7avDOdfyylqo1xmt7otFD"
    "W5zjWUzCMTDqd4BNuq0BrGcdoJl5AnQDTJcqXriZQdEMmFPquv2+4XwqgYQ82PwU1toKqJ"
    "omdg3zHOfYNyvkmzneYV4nkA5h5XQI2/AuxgSxcTdEVGYXg9IadlkiJxPC3EmgArTSzFcW"
    "M18a46406b9Frnu7/lkXuzCdNO3mtS0ygTQr+AEiaVvcl23RExr3YKY5Qhaktc8Eut5222"
    "JA0doR1cppy1Fcw/NpZrPXoXVv3/AoUL6Dhskt2nfQJJohsmmua1Rv1OdMxTR/cguozmoS"
    "9XBp6PZiCb6uVYMoAV8TgpVyNJQcf0TjJOL6pUMv1cuSqpcy3ujQp/+VP97ouPGV+poY/e"
    "rqa9IFq2pcT+OC5QgTmfXEEJnU0aX/z1FAL/1/ivT/cfWU3UF9G/4poSk168mSr5EE+0hw"
    "Dou2S6TNDMg7Fexwya+PBahDm3padA+1JrDzOA9Pthp5oF8vzXGljm8B3TkECFO/B+Zld0"
    "K9DeAMTF48zwDykLoSMB+Dd7rBikf9zvsGeF6qlnu+qOq1h+Hzxrtgxj2/tLAXcy1IG9dL"
    "saOCNB+V0nwkvRNexTshY4KVquZWOT+rp0lzSqslWJTqsVSn5KU09jvz8adRusoBvv+ssq"
    "4jeX5zDrcBGbVcHiNO3HY3R0Z+56oYsbTglYX5aey20q/urXJeBm+WyYIow91qGaxd4nC3"
    "FNauQxsqXPQFlooNb7aYKjY9YrutoochmCHTQnhqOdaAUb9zQq6s6ZLc6KTHgDlR/VVNYz"
    "YCN4BjAg3zJ7DUyS9z7QikPiA9zIIsAS6NeJjZGozbKIp4oTxipcRT2UmCEeI1teHXhb+Q"
    "TKPQUjM5sHj1K6f9HsrcwORaMi0j0ipnIhEjHSOsHuT1NF2a1BIDXo916Ik+e8ls2wkRVQ"
    "7n/Rt2MPxmKWR5nT7m0PRixMWoeq9wQkPZNbtUBh0NqiZU9GfM80pImL7CZHJQbR1UDLGZ"
    "YmMLcUSeLdaTCK20kZZ6SNGlnc2AuaziHHLJ79LzW7etqZ7/qLdoGwVOqF2aKzvjrOoQNQ"
    "D7N8aD0c1NiyZ8dy/GmNI+9G7bd+3WLakWuBvju2a7M+q3GsC9iFoM0ilMqdSlDOnZGQeg"
    "YeicdVC8Hx6mqsAyWPR2OMNOIV8A1cc48EIrTJRM5veOReWyzTYHp7xbdUFquQaVeQ0yIP"
    "XLUecWNPKJmNwGJM/LzHMZPSWeTKu7Fyujp6rGdVH0VGwLOI1XfjDfWjHe+WXrBanc86kf"
    "K9pHTk3fm7yKKDkzxh5QGrGGqgTToT0DaAZSgVuAm5x0i0+Au5OXJj0FqQpIaxqieQ91QL"
    "MlOhEAXlJEfe6eh8vLSZGROjHbIf3oeB4Kv1Ru4JduA18mf3q1mF4yLDIjv6GRwO/LH09m"
    "3dp71i2u20pmRKuVxTsK6GYol82r0ZX2BOLLRhbcIsHYm4qpvBoN/RmsoeF6CqqWBVdry5"
    "E+HAfJBjDt6RSa5gnAugU87xuWwHmuIs02IHhG1pKmnYbTJUZTVQMGnOoGR/Ap5I3b/RqD"
    "IZgBs44Ul8opLlH/VZujUKXbJdxQlzn0slaF7cClZa0VEbeEgyVCVaF8NXvbl3L2lFZkTi"
    "QLSJat1hih3G3NvNvqLzLkp0zshULnqTgP6OnpAvVBQB81JqOpBf4HNGQeYYdP4AkFJpkn"
    "UfhPwpZg2kBsB1z6aEsf7Sr5aGP4rAjt68KlM0IlHTpiKdzc7bvs0HIoJbxReNEC64aX9o"
    "dmOOEgLF4Y+dQ7LYv55o1/zG08pViCiY00C2HzlL7vn68gwRxktZzZBttvUlZZRkCESvb+"
    "aO+XviRiqI/Tq0DG9ZfSOCTj+qse159wxmOq8x2zHO0oRjXxvAcaRk1+w5fawtDtNesk9E"
    "LRjRmpEN+AZ2eGsm0uaVcup1257FnlDsmAQowI8rCNAMgXqQ6DuEg4DOLiGA/bKMgocxh0"
    "7dVK5R3iLja4B0gqgHHRpnY3oWQWwAMkEvC8gDuYceeR7Rus0TYKZINFusXfltZKy8iP2v"
    "3woUNEHo98jH93SphP5pSZPf72jT75v2/06S+dZrvr1l9rhFu1HFPUVZoZ6ko8QV3F5ieq"
    "ZJP3K56RIKVhJ0omLTtRy45qE0SMTMbMAIm0YO7dgknnGANNbCsjV6J0kjV7Z83agE8IPi"
    "trgqVtQCWjViUgr8BaXoyOFcVP1TKJTwLyCsBfeFD+NwsaWNVoEEmmOSpGKCepvU9SPsZJ"
    "554nuI/wySswSiIi6nk9jYx6XhcLqfRZRJjCWLdUQWxlgkAVJpODYu+DQlPxwuY6FCa592"
    "xoqtf903R+cdePmT/pT1b0uSI0ayQ4DXJo5RDY+xCgqnCO/fsAmUz3UZ4MAPHNen1NoM/D"
    "4RCh5HGZeYxMZa4+6QayOCvZB13XoIoF26lhygibJ4T0UBOrX1Isbz/0ep0QWz+0o5rN6O"
    "FDi6ihjJ+kErJCm6lh1HVD0QgwnORvW2EPkkrcM+DO3ApcP45drPa8dgoU6O5ardusRntK"
    "0wD07xg/NLujZqcBnP95zPH7D38KQZp165tLXDkJ+yDbtEE/nBjiwl2QCJXcBInONGt7Qm"
    "T9ZS7xKUorJagyS1AlSo8muXw4XWjyp5LfZT1OLd3Wy8L+NG7rlH/5x3mcWnK/LNznDP5Y"
    "UjpH2MnqbhykqlBYfsEpp3xH8Mz4RyklD/LygDrxZ4Y/QCQDdvYVsOOFU+wYrjNymzkyFq"
    "QN1Al0ve2JvzaRJrvjmjKhWskmlbSwRifUELbkI0B31OnU4ivnHoB1w5jMj370UCURDooM"
    "AnTFEWaRDJmus8UeUukGYsiqAXuoi7JMas65Ezti5eJ0RxtseQe0VGSKDfukuH48fF+tHJ"
    "BVK21ixPd2tYKUYCecbpxWqgRSAQGxgZEoDo0ND9etQbJKYL5gBHsNmI3FwXqhuTIKtpxR"
    "sDmyyr1KPrlXsvLKjHKl48lhIkxkMpeK2UXTWMWT3MGTlqBEP3BpHUpejRKsQ4E8HvvRt4"
    "+QEWlV7XAfLGE2F8FxLGGNabu4mvZQlkxi6pdgVxOfoHICpPxaghkjSX6VU7g8UuXtAC/X"
    "zsLWTnm2ShXOVgnvu4jFkc3GzFaJxFT8TaE0J8WZkCYQZiecuPSAKlQAYcC8T3nnw6WiSW"
    "N9Y9utUnQpp+gi86PJ/GjH7Hgf/LIYyGLzcYSsAlgXnrZLGivfoLGyRG76kuuFue5K18Wy"
    "KNjSdXEvrotp/L/24/pVbbevsDa6P1cmRxOulq2iCF+dDW7brAxptz4CrD3gDkjAnCGPki"
    "/jknSyfffD6yk5N0HC5FJikHshxwD89r2QwNRWsPt+2biScWMkPCHI/ZHq7o94ftkcmSXg"
    "si0WVaaBStKR+C2LIjQ7fhYzsFe/EnsZ0gJcGlYcqS1QWoDfItfTWIClh1splYv9aRVHyI"
    "jjd1LuO6fgdGh0DEf4DT5OFIC903S8MJtULkHqE5yBOdIsaAD9ifwhUi+glvPvTN/j5xT0"
    "MGTRO2BNatCnAJmspstO8E4Fa1pd1YDTMQDrDu+5LkVFvDPxBE3mXBE1L0phvpzCvHRNCq"
    "QKvUqTGZ7UEicLvYplhy+/a9Jx44tM/7Pj88iW9MQBQpmcOENyYojZsQXekkhwIx+ra5wD"
    "oRI5kNSM5EcGfjCtwoBzoossFfJqaDypHGaINQgRvcyWG4U6a/phmXhYCCU7XYOoTpbNcW"
    "hIl9080kSBLqbNTqeWDWdK0gDkzxj3up3PyqjbbzVvGyBw4z4JlNPLqJCfaqnde9Zz7wSF"
    "HTnGaeaouHbX/LXXbw9bLn+8W/dpt9eN1ggWlYST3qEMu7KS085x8bLXVzrNYavvMdO797"
    "k5jNUJlZWDn/5eLn2PuoAKWbztLAcFixuQi1ZM1IpiRX4lR/NIN4KEjRU4jEZdAnHWgcSI"
    "GoD9G+P73qg/aAD2b4xvm5/JDf07xr+1Wp/IDfs3xg+97vCe3Dr/8wye8zSD51w8eM7Fgy"
    "fnIdtCejl0hEMnCJWirykgOkemzjiGhK0e12B66PVbyvC+2aXjxL0c405rMHBL/ctyDCCE"
    "p5o9Y+k7dualqK1jkSqa3c/kqvs5D2f2fCgl/LY/tojakmzJzBZmDlBmyIBTfjhlOo5wmi"
    "mQGbetwU1mbgxuCA8GN0Q+aNFLv43X5Yf0rxHjfpyeFtK/5i1yPY1/jYywLItnjYywLCzC"
    "Mui2sofYwYC7TLW8+A8aORhBLdkNaWvUYJSlrPaeYwaj3k4yYrCMU+wJEHv2OB5gDo45tY"
    "xIEwVqGO3uTWd028qqZLhkDeBejHHrd7fEvSiHzSQ0grMOEw6xlExkJOcxAJ8gEkYXnB1F"
    "w4hb75FxJK2EyJkKZAxndWM4B/aEwP5AJEPnN8akyHCFRCHStCfMnrsKVN6zDDlRTT+rt/"
    "s6jgwZeiLlyNLJkR4XM6+SEUK5VOaWUbyxmpUDYTrJgH3JKsGJTS6jCctoZArYLpt4i4EE"
    "NhnY8Mguk4wisG9tNWqltWPVml4sG6E4AWgGsYXIt83A5AUgywQ0fuYUkPeZAEPTAtbS0O"
    "3FEoRkI17g3L6albFxRzTLJ0k+MjYuuO+exgh2JTaCXR1hzu4jBlfudZZFWJR7nYXtdbLT"
    "xHff46QniVdLfOSmGZFnYqfGSubezQqcdDvIAVrEJrsjZjFjcBUh8y0MErNEzA6p8rdXa9"
    "2wftYnNY7iv3l4kqT+I1ZN+dOtd9gMk5twxYATL6klj9F6dUH6JEEffyQ/nq8wbndl8WjL"
    "rDzWer88dBqA/h3jm8GvDUD+jPFvzU6n+aH5sQG8q6jx6nWcWHYLHn6VkOFfWt3bdvdjLS"
    "NfXLIGcC/GuD/qdlmJezHGt71uqwHo3zG+a7Y7rdsGcP4TXja7N60OK/Ivy8HDOSKKwFol"
    "rXPZyJ/VQkRlHlA5rTHnZ/XLVEDXLxOgpg+jsT9ogbCqKRRAVpgBdC5xBY5UKyIDF/oPVC"
    "YvFveYmaTt0xBdZeJ5C968ZgCy4NyM7gMhOol+PvQN/dlUZjrmzDWJPqZBMol9Puw95WKq"
    "25iXnC4B/xip5EFO15lHtF7n40GMVPIgHw8QflI1lIsHMVLJg5zrAPwTTilAMfh/HvS6ok"
    "CDDU000hVNLfA/oB3Qvbr2j7mNWXQ7mNhIsxA2T+n7/nkoSTQBY4oRbVl8tEP0FIeTcPQq"
    "bSB2tMMSTh/XOuKNCTFTwlQ7saWchyEWhj80DN1QVtA01QVHPBIfaBIjrIAalhTmfYhzTT"
    "RIDff6M+Ztjou14AhZBYAP67/XaQwP12Kzw3XM6MAQmylk+UScjLDJyQ6itHtId3A8c07J"
    "sxuwIpnKpNJJLdKkMjEt1cjH9TClHNtlHttzhJG5zMXmCKnkc5n5LBMTVW0O57BdJiaSzr"
    "qlZEEBzrqH9ENqQgNNlzWOE5L75CTJA0nd1Dmk91Em36K34li0Y4phscvQEzRMYZpNPrQB"
    "kgr6Nhxkg50OqgwIu9UriO75WToPnSQXnZiPDnmjBTMaiTckxRvuj9xEHJMOilzM/vp/tA"
    "8xXA=="
)
