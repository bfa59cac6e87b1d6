"""The links check: extraction and normalisation, blocklisted, shortened, look-alike and IP-address links, the
trust-level limit, and the optional live check through newsroom.net (never into our own network; newsroom.net
itself is tested in tests/test_net.py)."""

import socket

import pytest

from moderation.checks.links import Links, find_urls, normalise
from moderation.models import Outcome
from tests.local_http import serving
from tests.moderation.checks_helpers import snapshot

pytestmark = pytest.mark.django_db

RU_TEXT = (
    "Жители района собрались у здания администрации, чтобы обсудить планы строительства новой дороги. "
    "Подробности — в материале {link}. Представители подрядчика пообещали вернуться с ответом через две недели."
)
EN_TEXT = (
    "Residents gathered outside the town hall to discuss the new road. The full statement is at {link}. "
    "The contractor promised an answer within two weeks."
)


def snap(body="", *, title="Жители против вырубки сквера", lead="", sources=None, trust=2, language="ru"):
    return snapshot(
        title=title,
        lead=lead,
        body=body,
        language=language,
        extra={"sources": sources} if sources is not None else {},
        author_trust_level=trust,
    )


def ru(link):
    return snap(RU_TEXT.format(link=link))


def en(link):
    return snap(EN_TEXT.format(link=link), title="Residents against the felling", language="en")


def flags(result):
    return {link["url"]: link["flags"] for link in result.evidence["links"]}


def codes(result):
    return [f.code for f in result.findings]


# --- extraction and normalisation ------------------------------------------------------------------------------


def test_markdown_bare_and_www_links_are_found():
    text = (
        "См. [статью](https://ru.wikipedia.org/wiki/Сквер_(значения)) и **https://lenta.ru/news/1**, "
        "а также www.kommersant.ru. Автоссылка: <https://meduza.io/x>; "
        '[с заголовком](https://tass.ru/a "ТАСС"). Не ссылка: mailto:a@b.ru, ftp://files.example.org.'
    )
    assert find_urls(text) == [
        "https://ru.wikipedia.org/wiki/Сквер_(значения)",
        "https://lenta.ru/news/1",
        "www.kommersant.ru",
        "https://meduza.io/x",
        "https://tass.ru/a",
    ]


def test_normalisation_drops_tracking_fragments_default_ports_and_case():
    link = normalise(
        "HTTPS://News.Example.COM:443/story?id=5&utm_source=tg&UTM_Medium=x&fbclid=abc&gclid=1#comments"
    )
    assert link.url == "https://news.example.com/story?id=5"
    assert link.domain == "example.com" and link.flags == []
    assert normalise("http://example.com:80").url == "http://example.com/"
    assert normalise("http://example.com:8080/a").url == "http://example.com:8080/a"
    assert normalise("www.bbc.co.uk/news").url == "http://www.bbc.co.uk/news"
    assert normalise("www.bbc.co.uk/news").domain == "bbc.co.uk"
    # an internationalised name: IDNA-encoded, its registered domain found under ".рф"
    cyrillic = normalise("https://Новости.Пример.РФ/путь")
    assert cyrillic.url == "https://xn--b1amnebsh.xn--e1afmkfd.xn--p1ai/путь"
    assert cyrillic.domain == "xn--e1afmkfd.xn--p1ai"
    assert normalise("mailto:someone@example.org") is None


def test_tracking_variants_of_one_link_count_once():
    body = RU_TEXT.format(
        link="https://example.com/news?id=7&utm_source=vk и https://EXAMPLE.com/news?id=7&fbclid=zzz#top"
    )
    result = Links().run(snap(body))
    assert result.outcome == Outcome.PASS
    assert [link["url"] for link in result.evidence["links"]] == ["https://example.com/news?id=7"]
    assert result.evidence["count"] == 1 and result.evidence["text_links"] == 2


# --- static flags ----------------------------------------------------------------------------------------------


def test_a_clean_text_with_a_normal_link_passes():
    result = Links().run(ru("[заявление администрации](https://www.mos.ru/news/item/12345/)"))
    assert result.outcome == Outcome.PASS and result.score == 0 and result.findings == []
    assert result.evidence == {
        "links": [
            {
                "url": "https://www.mos.ru/news/item/12345/",
                "domain": "mos.ru",
                "flags": [],
                "status": None,
                "in": ["body"],
            }
        ],
        "count": 1,
        "text_links": 1,
        "limit": 10,
    }


def test_no_links_pass():
    result = Links().run(snap(RU_TEXT.format(link="пресс-службе")))
    assert result.outcome == Outcome.PASS and result.evidence["count"] == 0 and result.evidence["links"] == []


def test_a_blocklisted_domain_fails_in_russian_and_english_texts():
    check = Links(blocklist=["spam-casino.example", "# a comment is not a domain"])
    result = check.run(ru("https://www.spam-casino.example/bonus?utm_campaign=x"))
    assert result.outcome == Outcome.FAIL and result.score == pytest.approx(0.9)
    assert codes(result) == ["link_blocklisted"]
    assert flags(result) == {"https://www.spam-casino.example/bonus": ["blocklisted"]}
    finding = result.findings[0]
    assert "чёрного списка" in finding.ru and "spam-casino.example" in finding.ru
    assert "blocklisted" in finding.en

    assert check.run(en("http://spam-casino.example")).outcome == Outcome.FAIL


def test_the_shipped_blocklist_is_used_by_default():
    result = Links().run(en("https://blocklist-canary.example/page"))
    assert result.outcome == Outcome.FAIL and codes(result) == ["link_blocklisted"]


def test_a_shortener_warns():
    result = Links().run(en("https://bit.ly/3AbCdEf"))
    assert result.outcome == Outcome.WARN and codes(result) == ["link_shortener"]
    assert flags(result) == {"https://bit.ly/3AbCdEf": ["shortener"]}
    assert 0 < result.score <= 0.5
    assert "Сокращённая ссылка" in result.findings[0].ru and "clck.ru" not in result.findings[0].ru

    russian = Links().run(ru("https://clck.ru/3Ab9 и https://vk.cc/abc"))
    assert russian.outcome == Outcome.WARN
    assert {link["domain"] for link in russian.evidence["links"]} == {"clck.ru", "vk.cc"}
    assert "clck.ru" in russian.findings[0].ru and "vk.cc" in russian.findings[0].ru


def test_a_punycode_homograph_fails():
    # "xn--pple-43d" is "аpple" with a Cyrillic "а"
    result = Links().run(en("https://xn--pple-43d.com/signin"))
    assert result.outcome == Outcome.FAIL and codes(result) == ["link_homograph"]
    [link] = result.evidence["links"]
    assert link["flags"] == ["homograph"] and link["unicode"] == "аpple.com"
    assert link["mixed_scripts"] == ["CYRILLIC", "LATIN"] and link["looks_like"] == "apple"
    assert "аpple.com (xn--pple-43d.com)" in result.findings[0].ru


def test_a_mixed_script_unicode_domain_fails():
    # "gооgle" with two Cyrillic "о", written as Unicode in the text
    result = Links().run(ru("https://gооgle.com/search?q=сквер"))
    assert result.outcome == Outcome.FAIL
    [link] = result.evidence["links"]
    assert link["url"].startswith("https://xn--ggle-55da.com/") and link["flags"] == ["homograph"]
    # a name in one script only, but one that reads as a popular brand: all Cyrillic "аррӏе"
    whole_script = Links().run(en("https://аррӏе.com/"))
    assert whole_script.outcome == Outcome.FAIL
    assert whole_script.evidence["links"][0]["looks_like"] == "apple"
    assert "mixed_scripts" not in whole_script.evidence["links"][0]
    # a Latin "с" in "сбербанк"
    assert Links().run(ru("https://cбербанк.рф/")).outcome == Outcome.FAIL


def test_ordinary_internationalised_domains_pass():
    for link in (
        "https://сбербанк.рф/",
        "https://госуслуги.рф/help",
        "https://пример.рф",
        "https://bücher.de/",
    ):
        result = Links().run(ru(link))
        assert result.outcome == Outcome.PASS, (link, result.evidence)


def test_an_ip_address_host_warns():
    result = Links().run(ru("http://203.0.113.7/files/report.pdf"))
    assert result.outcome == Outcome.WARN and codes(result) == ["link_ip_address"]
    assert flags(result) == {"http://203.0.113.7/files/report.pdf": ["ip_address"]}
    # the forms browsers accept for an IPv4 address, and IPv6
    assert normalise("http://3405803783/").url == "http://203.0.113.7/"
    assert normalise("http://[2001:DB8::1]:8080/x").url == "http://[2001:db8::1]:8080/x"
    assert "ip_address" in normalise("http://[2001:db8::1]/").flags


def test_a_user_name_before_the_host_warns():
    result = Links().run(ru("https://sberbank.ru@evil.example/login"))
    assert result.outcome == Outcome.WARN and codes(result) == ["link_userinfo"]
    assert result.evidence["links"][0]["url"] == "https://evil.example/login"


def test_links_in_sources_are_counted_and_judged():
    sources = [
        {"kind": "web", "url": "https://www.interfax.ru/russia/1", "description": "Интерфакс"},
        {"kind": "web", "url": "https://t.co/xyz", "description": "пост"},
        {"kind": "person", "url": "", "description": "свидетель"},
        {"kind": "web", "url": "https://www.interfax.ru/russia/1?utm_source=x", "description": "повтор"},
    ]
    body = RU_TEXT.format(link="https://www.interfax.ru/russia/1")
    result = Links().run(snap(body, sources=sources))
    assert result.evidence["count"] == 2 and result.evidence["text_links"] == 1
    by_url = {link["url"]: link for link in result.evidence["links"]}
    assert by_url["https://www.interfax.ru/russia/1"]["in"] == ["body", "sources"]
    assert by_url["https://t.co/xyz"]["in"] == ["sources"] and by_url["https://t.co/xyz"]["flags"] == [
        "shortener"
    ]
    assert result.outcome == Outcome.WARN


def test_more_links_than_the_trust_level_allows_warns():
    body = RU_TEXT.format(link="https://a.example.com, https://b.example.org и https://c.example.net")
    result = Links().run(snap(body, trust=1))  # level 1 allows 2 (settings NEWSROOM["TRUST_LIMITS"])
    assert result.outcome == Outcome.WARN and codes(result) == ["too_many_links"]
    assert result.evidence["limit"] == 2 and result.evidence["text_links"] == 3
    assert "3" in result.findings[0].ru and "2" in result.findings[0].en
    # the same text from a member (level 2, 10 links) passes
    assert Links().run(snap(body, trust=2)).outcome == Outcome.PASS


def test_fail_and_warn_findings_together():
    result = Links(blocklist=["spam.example"]).run(ru("https://spam.example/ и https://bit.ly/x"))
    assert result.outcome == Outcome.FAIL and codes(result) == ["link_blocklisted", "link_shortener"]


# --- the live check --------------------------------------------------------------------------------------------


ROUTES = {
    "/ok": (200, None),
    "/gone": (404, None),
    "/broken": (500, None),
    "/redirect": (302, "/ok"),
    "/to-gone": (301, "/gone"),
    "/loop": (302, "/loop"),
    "/to-private": (302, "http://10.0.0.1/admin"),
    "/to-metadata": (307, "http://169.254.169.254/latest/meta-data/"),
    "/to-blocked": (302, "https://blocklist-canary.example/"),
    "/to-ftp": (302, "ftp://files.example.org/"),
}


def _answer(method, path):
    if path == "/head-refused":
        return (405 if method == "HEAD" else 200), None
    return ROUTES.get(path, (404, None))


@pytest.fixture
def server():
    """A local server answering as ROUTES say (and /head-refused refusing HEAD), counting the requests it gets."""
    with serving(_answer) as s:
        yield s


@pytest.fixture
def live(settings):
    def switch(*, allow_loopback=True, **more):
        settings.NEWSROOM = {
            **settings.NEWSROOM,
            "LINK_LIVE_CHECK": True,
            "LINK_ALLOW_LOOPBACK": allow_loopback,
            "LINK_TIMEOUT": 3,
            **more,
        }

    return switch


def by_path(result, server):
    prefix = f"http://127.0.0.1:{server.port}"
    return {link["url"].removeprefix(prefix): link for link in result.evidence["links"]}


def test_live_check_flags_dead_links_and_follows_redirects(server, live):
    live()
    paths = ["/ok", "/gone", "/broken", "/redirect", "/to-gone", "/head-refused"]
    body = RU_TEXT.format(link=" ".join(server.url(p) for p in paths))
    result = Links().run(snap(body))
    links = by_path(result, server)
    assert links["/ok"]["status"] == 200 and "dead" not in links["/ok"]["flags"]
    assert links["/gone"]["status"] == 404 and "dead" in links["/gone"]["flags"]
    assert links["/broken"]["status"] == 500 and "dead" in links["/broken"]["flags"]
    assert links["/redirect"]["status"] == 200 and "dead" not in links["/redirect"]["flags"]
    assert links["/redirect"]["redirects"] == [server.url("/ok")]
    assert links["/to-gone"]["status"] == 404 and "dead" in links["/to-gone"]["flags"]
    # HEAD refused: GET asked instead
    assert links["/head-refused"]["status"] == 200 and "dead" not in links["/head-refused"]["flags"]
    assert ("GET", "/head-refused", f"127.0.0.1:{server.port}") in server.requests
    assert result.outcome == Outcome.WARN and "link_dead" in codes(result)
    dead = next(f for f in result.findings if f.code == "link_dead")
    assert "/gone (404)" in dead.en and "не открывается" in dead.ru
    assert result.evidence["live_checked"] == len(paths)


def test_live_check_stops_after_three_redirects(server, live):
    live()
    result = Links().run(snap(RU_TEXT.format(link=server.url("/loop"))))
    [link] = result.evidence["links"]
    assert link["error"] == "too_many_redirects" and "dead" in link["flags"] and len(link["redirects"]) == 3
    assert len(server.requests) == 4  # the link and three redirects, HEAD each


def test_redirect_targets_are_validated_again(server, live):
    live()
    paths = ["/to-private", "/to-metadata", "/to-blocked", "/to-ftp"]
    result = Links().run(snap(RU_TEXT.format(link=" ".join(server.url(p) for p in paths))))
    links = by_path(result, server)
    assert links["/to-private"]["flags"] == ["ip_address", "unsafe_address"]
    assert links["/to-metadata"]["flags"] == ["ip_address", "unsafe_address"]
    assert links["/to-blocked"]["flags"] == ["ip_address", "redirect_blocklisted"]
    assert links["/to-blocked"]["redirect_domain"] == "blocklist-canary.example"
    assert links["/to-ftp"]["error"] == "bad_redirect" and "dead" in links["/to-ftp"]["flags"]
    assert result.outcome == Outcome.FAIL and codes(result)[0] == "link_redirect_blocklisted"
    # only the four links themselves were asked for: no request followed any of those redirects
    assert sorted(path for _, path, _ in server.requests) == sorted(paths)


def test_loopback_is_refused_without_any_request_reaching_it(server, live):
    live(allow_loopback=False)
    body = RU_TEXT.format(link=f"{server.url('/ok')} http://localhost:{server.port}/gone")
    result = Links().run(snap(body))
    assert server.requests == []
    for link in result.evidence["links"]:
        assert (
            "unsafe_address" in link["flags"] and link["status"] is None and link["error"] == "unsafe_address"
        )
    assert "link_unsafe_address" in codes(result)


def test_live_check_is_off_by_default(server):
    result = Links().run(snap(RU_TEXT.format(link=server.url("/gone"))))
    assert server.requests == [] and result.evidence["links"][0]["status"] is None
    assert "live_checked" not in result.evidence


def test_live_check_asks_for_ten_links_at_most_and_never_for_flagged_ones(server, live):
    live()
    urls = [server.url(f"/ok?n={i}") for i in range(12)]
    result = Links(blocklist=["spam.example"]).run(
        snap(RU_TEXT.format(link="https://spam.example/x https://xn--pple-43d.com/ " + " ".join(urls)))
    )
    assert len(server.requests) == 10 and result.evidence["live_checked"] == 10
    statuses = [link["status"] for link in result.evidence["links"]]
    assert statuses[:2] == [None, None] and statuses[2:12] == [200] * 10 and statuses[12:] == [None, None]


def test_a_closed_port_is_a_dead_link(live):
    live()
    with socket.socket() as probe_socket:  # a port nobody listens on
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    result = Links().run(snap(RU_TEXT.format(link=f"http://127.0.0.1:{port}/x")))
    [link] = result.evidence["links"]
    assert link["error"] == "connection" and "dead" in link["flags"] and link["status"] is None
