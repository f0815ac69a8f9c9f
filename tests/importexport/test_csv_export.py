"""The CSV export on the database: rows as the csv module reads them back, the `since` filter, no-feeds, other
users' and deleted data left out, batches, and the round trip through `import_csv` into a fresh account."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedType
from legadilo.importexport import csv_export
from legadilo.importexport.csv_export import export_csv, iter_csv_export
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.csv_import import import_csv
from legadilo.reading.models import Article, ArticlesGroup, ArticlesGroupTag, ArticleTag, Comment, ContentType, Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOSTILE_TITLE = 'He said "hi", then\nleft; a\r\nb, =cmd|x'
HOSTILE_CONTENT = '<p>line one\r\nline "two",\n\n<b>bold</b> é ✓ 😀</p>'


async def new_user(email: str) -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


@dataclass
class Seeded:
    category: FeedCategory
    feed: Feed
    loose_feed: Feed
    articles: list[Article]
    group: ArticlesGroup


async def tags(user_id: int, *titles: str) -> list[Tag]:
    return [await Tag.create(user_id=user_id, title=title, slug=title.lower().replace(" ", "-")) for title in titles]


async def seed(user_id: int, prefix: str) -> Seeded:
    """A category with a feed, a feed without category, a group of two articles (stored out of id order), an
    article with tags and comments, a read favourite, and a saved page with no feed."""
    category = await FeedCategory.create(user_id=user_id, title=f"{prefix} News", slug=f"{prefix.lower()}-news")
    source = await FeedSource.create(url=f"https://{prefix.lower()}.example.org/feed.xml", next_check_at=T0)
    feed = await Feed.create(
        user_id=user_id,
        source=source,
        category=category,
        title=f'{prefix} feed, "quoted"',
        site_url=f"https://{prefix.lower()}.example.org/",
        feed_type=FeedType.RSS,
    )
    loose_source = await FeedSource.create(url=f"https://loose-{prefix.lower()}.example.org/atom", next_check_at=T0)
    loose_feed = await Feed.create(user_id=user_id, source=loose_source, title="Loose", feed_type=FeedType.ATOM)
    group = await ArticlesGroup.create(user_id=user_id, title=f"{prefix} series", description="Read in order")
    group_tag, tag_a, tag_b = await tags(user_id, f"{prefix} Series tag", "Python", "Deep dive")
    await ArticlesGroupTag.create(articles_group=group, tag=group_tag)

    def article(n: int, **values: Any) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "url": f"https://{prefix.lower()}.example.org/articles/{n}",
            "title": f"{prefix} article {n}",
            "content": f"<p>Content {n}</p>",
            "main_feed": feed,
            "published_at": T0 + timedelta(days=n),
            **values,
        }

    articles = [
        await Article.create(**article(1, group=group, group_order=2)),
        await Article.create(**article(2, group=group, group_order=1, read_at=T0)),
        await Article.create(
            **article(
                3,
                title=HOSTILE_TITLE,
                content=HOSTILE_CONTENT,
                authors=["Ada Lovelace", 'Grace "Amazing" Hopper'],
                language="fr",
                updated_at=T0 + timedelta(days=10),
            )
        ),
        await Article.create(**article(4, is_favorite=True, read_at=T0 + timedelta(hours=5), main_feed=loose_feed)),
        await Article.create(
            **article(5, main_feed=None, content="plain, text", content_type=ContentType.PLAIN, published_at=None)
        ),
    ]
    await ArticleTag.create(article=articles[2], tag=tag_a)
    await ArticleTag.create(article=articles[2], tag=tag_b)
    await Comment.create(article=articles[2], text='First, with "quotes"\nand a newline')
    await Comment.create(article=articles[2], text="Second")
    return Seeded(category, feed, loose_feed, articles, group)


async def exported(rt: Runtime, user_id: int, **options: Any) -> list[dict[str, str]]:
    out = io.BytesIO()
    count = await export_csv(rt, user_id, out, **options)
    data = out.getvalue()
    assert b"\x00" not in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert count == len(rows)
    return rows


def kind(row: dict[str, str]) -> str:
    if row["article_id"]:
        return "article"
    return "feed" if row["feed_id"] else "category"


async def test_rows_parse_back_with_every_column(db: Runtime) -> None:
    alice = await new_user("alice@example.org")
    seeded = await seed(alice, "A")

    out = io.BytesIO()
    await export_csv(db, alice, out)
    text = out.getvalue().decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    assert tuple(next(reader)) == CSV_HEADER_FIELDS
    rows = await exported(db, alice)

    assert [kind(row) for row in rows] == ["category", "feed", "feed"] + ["article"] * 5
    category_row = {"category_id": str(seeded.category.id), "category_title": "A News"}
    assert rows[0] == {**dict.fromkeys(CSV_HEADER_FIELDS, ""), **category_row}
    assert {key: value for key, value in rows[1].items() if value} == {
        "category_id": str(seeded.category.id),
        "category_title": "A News",
        "feed_id": str(seeded.feed.id),
        "feed_title": 'A feed, "quoted"',
        "feed_url": "https://a.example.org/feed.xml",
        "feed_site_url": "https://a.example.org/",
    }
    assert (rows[2]["feed_title"], rows[2]["category_id"], rows[2]["feed_url"]) == (
        "Loose",
        "",
        "https://loose-a.example.org/atom",
    )
    # group order 0 first (by id), then the group's articles in their order, not in id order
    articles = rows[3:]
    titles = [row["article_title"] for row in articles]
    assert titles == [HOSTILE_TITLE, "A article 4", "A article 5", "A article 2", "A article 1"]
    hostile = articles[0]
    assert hostile["article_content"] == HOSTILE_CONTENT
    assert json.loads(hostile["article_authors"]) == ["Ada Lovelace", 'Grace "Amazing" Hopper']
    assert json.loads(hostile["article_tags"]) == ["Deep dive", "Python"]
    assert json.loads(hostile["article_comments"]) == ['First, with "quotes"\nand a newline', "Second"]
    assert hostile["article_date_updated"] == "2024-01-11T00:00:00+00:00"
    assert datetime.fromisoformat(hostile["article_date_published"]) == T0 + timedelta(days=3)
    assert (hostile["article_lang"], hostile["article_is_favorite"], hostile["article_read_at"]) == ("fr", "False", "")
    assert (hostile["group_id"], hostile["group_title"], hostile["group_tags"]) == ("", "", "")
    assert (hostile["feed_id"], hostile["category_title"]) == (str(seeded.feed.id), "A News")
    favourite = articles[1]
    assert (favourite["article_is_favorite"], favourite["feed_title"]) == ("True", "Loose")
    assert favourite["category_id"] == ""
    assert datetime.fromisoformat(favourite["article_read_at"]) == T0 + timedelta(hours=5)
    saved_page = articles[2]
    assert (saved_page["feed_id"], saved_page["feed_url"], saved_page["article_date_published"]) == ("", "", "")
    assert (saved_page["article_content_type"], saved_page["article_content"]) == ("text/plain", "plain, text")
    first_of_group = articles[3]
    assert (first_of_group["group_id"], first_of_group["group_title"]) == (str(seeded.group.id), "A series")
    assert (first_of_group["group_description"], json.loads(first_of_group["group_tags"])) == (
        "Read in order",
        ["A Series tag"],
    )
    assert json.loads(first_of_group["article_tags"]) == json.loads(first_of_group["article_comments"]) == []


async def test_only_the_users_own_data_and_never_deleted_articles(db: Runtime) -> None:
    alice = await new_user("alice@example.org")
    bob = await new_user("bob@example.org")
    mine = await seed(alice, "A")
    await seed(bob, "B")
    await mine.articles[2].delete()

    rows = await exported(db, alice)

    assert {row["category_title"] for row in rows} == {"A News", ""}
    assert all("b.example.org" not in value for row in rows for value in row.values())
    titles = [row["article_title"] for row in rows if row["article_id"]]
    assert titles == ["A article 4", "A article 5", "A article 2", "A article 1"]
    assert "Second" not in "".join(row["article_comments"] for row in rows)
    assert next(row["article_title"] for row in await exported(db, bob) if row["article_id"]) == HOSTILE_TITLE


async def test_no_feeds_keeps_the_article_rows_with_their_feed(db: Runtime) -> None:
    alice = await new_user("alice@example.org")
    seeded = await seed(alice, "A")

    rows = await exported(db, alice, include_feeds=False)

    assert [kind(row) for row in rows] == ["article"] * 5
    assert rows[0]["feed_id"] == str(seeded.feed.id)
    assert rows[0]["feed_url"] == "https://a.example.org/feed.xml"


async def test_since_keeps_what_changed(db: Runtime) -> None:
    alice = await new_user("alice@example.org")
    seeded = await seed(alice, "A")
    ids = [article.id for article in seeded.articles]
    connection = Tortoise.get_connection("default")
    since = T0 + timedelta(days=30)
    old = T0 + timedelta(days=1)
    await connection.execute_query("UPDATE article SET obj_updated_at = $1, updated_at = NULL", [old])
    await connection.execute_query("UPDATE comment SET updated_at = $1", [old])
    await connection.execute_query("UPDATE feed_category SET updated_at = $1", [old])
    await connection.execute_query("UPDATE feed SET updated_at = $1 WHERE id = $2", [old, seeded.feed.id])
    await connection.execute_query("UPDATE feed SET updated_at = $1 WHERE id = $2", [since, seeded.loose_feed.id])
    await connection.execute_query("UPDATE article SET obj_updated_at = $1 WHERE id = $2", [since, ids[0]])
    await connection.execute_query("UPDATE article SET updated_at = $1 WHERE id = $2", [since, ids[3]])
    await connection.execute_query(
        "UPDATE comment SET updated_at = $1 WHERE id = (SELECT min(id) FROM comment)", [since + timedelta(days=1)]
    )

    rows = await exported(db, alice, since=since)
    nothing_after = await exported(db, alice, since=since + timedelta(days=2))

    assert [(kind(row), row["feed_title"] or row["category_title"]) for row in rows if not row["article_id"]] == [
        ("feed", "Loose")
    ]
    assert [row["article_id"] for row in rows if row["article_id"]] == [str(ids[2]), str(ids[3]), str(ids[0])]
    assert nothing_after == []


async def test_batches_are_keyset_paginated_and_stream_in_chunks(db: Runtime, monkeypatch: Any) -> None:
    monkeypatch.setattr(csv_export, "BATCH_SIZE", 2)
    alice = await new_user("alice@example.org")
    seeded = await seed(alice, "A")
    group_b = await ArticlesGroup.create(user_id=alice, title="Other series")
    for n, order in ((1, 1), (2, 3), (3, -1), (4, 2)):
        await Article.create(
            user_id=alice, url=f"https://a.example.org/g/{n}", title=f"G{n}", group=group_b, group_order=order
        )
    # the group of this one was deleted: its order stays
    await Article.create(user_id=alice, url="https://a.example.org/g/5", title="G5", group_order=-1)
    for n in range(6):
        await FeedCategory.create(user_id=alice, title=f"Cat {n}", slug=f"cat-{n}")

    chunks = [chunk async for chunk in iter_csv_export(db, alice)]
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8"), newline="")))

    assert len(chunks) > 8  # the header, then one chunk per batch of at most 2 rows
    # every chunk holds whole rows (a download can stop between two chunks and keep valid rows)
    assert all(1 <= len(list(csv.reader(io.StringIO(chunk.decode("utf-8"), newline="")))) <= 2 for chunk in chunks[1:])
    assert sum(1 for row in rows if kind(row) == "category") == 7
    ordered = [(row["group_title"], row["article_title"]) for row in rows if row["article_id"]]
    a1, a2 = seeded.articles[0].title, seeded.articles[1].title
    assert ordered == [
        ("Other series", "G3"),
        ("", "G5"),
        ("", HOSTILE_TITLE),
        ("", "A article 4"),
        ("", "A article 5"),
        ("A series", a2),  # order 1
        ("Other series", "G1"),
        ("A series", a1),  # order 2
        ("Other series", "G4"),
        ("Other series", "G2"),
    ]
    assert len({row["article_id"] for row in rows if row["article_id"]}) == 10


def test_cells_are_quoted_exactly_as_the_csv_module_does() -> None:
    alphabet = ["a", "Z", ",", '"', "\n", "\r", "\r\n", " ", "\t", "'", ";", "é", "😀", "\u2028", "\\", "=", ""]
    rng = random.Random(7)
    rows = [
        {name: "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for name in CSV_HEADER_FIELDS}
        for _ in range(2000)
    ]
    rows.append(dict.fromkeys(CSV_HEADER_FIELDS, ""))
    expected = io.StringIO()
    csv.DictWriter(expected, fieldnames=CSV_HEADER_FIELDS).writerows(rows)

    assert csv_export.encode_rows(rows) == expected.getvalue().encode("utf-8")
    read_back = csv.DictReader(io.StringIO(csv_export.encode_rows(rows).decode("utf-8"), newline=""), CSV_HEADER_FIELDS)
    assert list(read_back) == rows


async def state(user_id: int) -> dict[str, Any]:
    """What a user sees, without ids: categories, feeds, articles with their tags and comments, groups."""
    feeds = await Feed.filter(user_id=user_id).select_related("source", "category")
    articles = await Article.filter(user_id=user_id).select_related("main_feed__source", "group").order_by("url")
    groups = await ArticlesGroup.filter(user_id=user_id)

    async def tag_titles(**link: Any) -> list[str]:
        return sorted(tag.title for tag in await Tag.filter(**link))

    return {
        "categories": sorted(category.title for category in await FeedCategory.filter(user_id=user_id)),
        "feeds": sorted((f.source.url, f.title, f.site_url, f.category.title if f.category else "") for f in feeds),
        "articles": [
            (
                a.url,
                a.title,
                a.content,
                a.content_type,
                a.authors,
                a.language,
                a.published_at,
                a.updated_at,
                a.read_at,
                a.is_favorite,
                a.main_feed.source.url if a.main_feed else "",
                a.group.title if a.group else "",
                await tag_titles(article_tags__article_id=a.id),
                [c.text for c in await Comment.filter(article_id=a.id)],
            )
            for a in articles
        ],
        "groups": sorted(
            [
                (
                    g.title,
                    g.description,
                    await tag_titles(articles_group_tags__articles_group_id=g.id),
                    [a.url for a in await Article.filter(group_id=g.id).order_by("group_order")],
                )
                for g in groups
            ]
        ),
    }


async def test_round_trip_through_the_csv_import_into_a_fresh_account(db: Runtime) -> None:
    alice = await new_user("alice@example.org")
    bob = await new_user("bob@example.org")
    seeded = await seed(alice, "A")
    # the import cleans titles (no line breaks) and sanitises HTML (no CR): give it what it keeps as is
    await Article.filter(id=seeded.articles[2].id).update(
        title='He said "hi", then left; a, b =cmd|x', content='<p>line "two",\n<b>bold</b> é ✓ 😀</p>'
    )
    out = io.BytesIO()
    await export_csv(db, alice, out)

    report = await import_csv(db, bob, io.BytesIO(out.getvalue()))

    assert (report.invalid, report.skipped, report.rejected) == (0, 0, [])
    assert report.created["articles"] == 5
    expected = await state(alice)
    assert expected["articles"][2][12] == ["Deep dive", "Python"]  # the state compared is not empty
    assert await state(bob) == expected
