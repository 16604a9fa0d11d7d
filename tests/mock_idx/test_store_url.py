"""``--store``: the URLs a user means are read as meant, and everything else is refused with one line that never
repeats a password, before anything starts."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_idx.storage.url import DEFAULT_PREFIX, PREFIX, StoreUrl, parse_store_url


@pytest.mark.parametrize("text", ["", "memory"])
def test_memory_is_the_default_and_is_not_shared(text):
    url = parse_store_url(text)
    assert url == StoreUrl(kind="memory")
    assert url.redis_url is None and not url.shared and url.prefix == DEFAULT_PREFIX
    assert str(url) == "memory"


@pytest.mark.parametrize(
    ("text", "redis_url", "prefix"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", DEFAULT_PREFIX),
        ("redis://127.0.0.1:6379/0?prefix=ci-42", "redis://127.0.0.1:6379/0", "ci-42"),
        ("redis://localhost", "redis://localhost", DEFAULT_PREFIX),
        ("redis://redis.internal:6380/15?prefix=job_7.a-b", "redis://redis.internal:6380/15", "job_7.a-b"),
        ("redis://[::1]:6379/2", "redis://[::1]:6379/2", DEFAULT_PREFIX),
        (
            "rediss://user:s3cret@redis.example.com:6380/1",
            "rediss://user:s3cret@redis.example.com:6380/1",
            DEFAULT_PREFIX,
        ),
        ("REDIS://Host:6379/0", "redis://Host:6379/0", DEFAULT_PREFIX),
        ("unix:///run/redis/redis.sock?db=3&prefix=x", "unix:///run/redis/redis.sock?db=3", "x"),
        ("unix:///tmp/r.sock", "unix:///tmp/r.sock", DEFAULT_PREFIX),
    ],
)
def test_redis_urls_are_shared_and_lose_only_the_prefix(text, redis_url, prefix):
    url = parse_store_url(text)
    assert (url.kind, url.redis_url, url.prefix, url.shared) == ("redis", redis_url, prefix, True)


def test_a_password_is_masked_where_the_url_is_shown():
    url = parse_store_url("redis://worker:hunter2@10.0.0.5:6379/0?prefix=ci")
    assert url.redis_url == "redis://worker:hunter2@10.0.0.5:6379/0"  # the client needs it
    assert str(url) == "redis://worker:***@10.0.0.5:6379/0 (prefix ci)"


@pytest.mark.parametrize("prefix", ["a", "A-z_0.9", "x" * 64, "-", "..", "0"])
def test_prefixes_of_letters_digits_dot_dash_underscore_up_to_64_are_taken(prefix):
    assert parse_store_url(f"redis://h:6379/0?prefix={prefix}").prefix == prefix


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("memory://", "is not a store mock-idx knows"),
        ("Memory", "is not a store mock-idx knows"),
        ("http://127.0.0.1:6379/0", "is not a store mock-idx knows"),
        ("127.0.0.1:6379", "is not a store mock-idx knows"),
        ("file:///etc/passwd", "is not a store mock-idx knows"),
        ("redis://", "names no host"),
        ("redis:///0", "names no host"),
        ("redis://h:0/0", "port 0"),
        ("redis://h:65536/0", "is not a URL"),
        ("redis://h:-1/0", "is not a URL"),
        ("redis://h:port/0", "is not a URL"),
        ("redis://[::1/0", "is not a URL"),
        ("redis://h_h/0", "neither a host name nor an IP address"),
        ("redis://-h/0", "neither a host name nor an IP address"),
        ("redis://%68/0", "neither a host name nor an IP address"),
        ("redis://h/db0", "names its database in the path as a number"),
        ("redis://h/0/1", "names its database in the path as a number"),
        ("redis://h/999999", "names its database in the path as a number"),
        ("redis://h/0#top", "#fragment"),
        ("redis://h/0#", "#fragment"),
        ("redis://h/0?db=1", "query key 'db'"),
        ("redis://h/0?Prefix=a", "query key 'Prefix'"),
        ("redis://h/0?socket_timeout=1", "query key 'socket_timeout'"),
        ("redis://h/0?prefix=a&prefix=b", "gives prefix twice"),
        ("redis://h/0?prefix", "NAME=VALUE"),
        ("redis://h/0?prefix=a&&x", "NAME=VALUE"),
        ("redis://h/0?prefix=%ff", "UTF-8"),
        ("redis://h/0?prefix=", "prefix other than"),
        ("redis://h/0?prefix=" + "x" * 65, "prefix other than"),
        ("redis://h/0?prefix=a:b", "prefix other than"),
        ("redis://h/0?prefix=a*", "prefix other than"),
        ("redis://h/0?prefix=a%20b", "prefix other than"),
        ("redis://h/0?prefix=a+b", "prefix other than"),
        ("redis://h/0?prefix=a%0Ab", "prefix other than"),
        ("redis://h/0?prefix=%C3%A9", "prefix other than"),
        ("redis://h/0?prefix=../x", "prefix other than"),
        ("unix://host/run/redis.sock", "absolute path"),
        ("unix://", "absolute path"),
        ("unix:///run/redis.sock?db=x", "db other than a number"),
        ("unix:///run/redis.sock?timeout=1", "query key 'timeout'"),
        ("redis://h/0\n", "printable ASCII"),
        ("redis://h/0\r\nFLUSHALL", "printable ASCII"),
        ("redis://h /0", "printable ASCII"),
        ("redis://h/0\x00", "printable ASCII"),
        ("redis://h\t/0", "printable ASCII"),
        ("redis://hôte/0", "printable ASCII"),
        ("redis://h/0?prefix=\u202ex", "printable ASCII"),
        (" memory", "printable ASCII"),
        ("redis://h/0?prefix=" + "a" * 3000, "longer than 2048 characters"),
    ],
)
def test_anything_else_is_refused_with_one_line_saying_why(text, problem):
    with pytest.raises(ValueError, match=r"^--store ") as refusal:
        parse_store_url(text)
    message = str(refusal.value)
    assert problem in message
    assert "\n" not in message and "\r" not in message and len(message) < 300
    assert message.isprintable()


@pytest.mark.parametrize(
    "text",
    [
        "redis://:hunter2@h/0?bogus=1",
        "redis://user:hunter2@h/db",
        "rediss://user:hunter2@h:0/0",
        "redis://user:hunter2@h/0?prefix=no:colons",
        "redis://user:hunter2@h/0#fragment",
    ],
)
def test_a_refusal_never_repeats_the_password(text):
    with pytest.raises(ValueError, match=r"\*\*\*") as refusal:
        parse_store_url(text)
    assert "hunter2" not in str(refusal.value)


@given(st.text(max_size=300))
def test_any_text_is_taken_or_refused_with_one_printable_line(text):
    try:
        url = parse_store_url(text)
    except ValueError as refusal:
        message = str(refusal)
        assert message.startswith("--store ") and message.isprintable() and len(message) < 300
    else:
        assert url.kind == "memory" or (url.redis_url is not None and PREFIX.fullmatch(url.prefix))


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_any_prefix_is_taken_exactly_when_it_is_a_safe_key_part(prefix):
    text = f"redis://h:6379/0?prefix={quote(prefix, safe='')}"
    safe = PREFIX.fullmatch(prefix) is not None
    if safe:
        assert parse_store_url(text).prefix == prefix
    else:
        with pytest.raises(ValueError, match=r"^--store "):
            parse_store_url(text)
