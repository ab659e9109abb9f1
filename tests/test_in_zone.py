"""``|in_zone``: an instant in a contract's time zone, labelled with the zone."""

import datetime as dt
import zoneinfo

from django.template import Context, Template

from core.templatetags.core_tags import in_zone

MOMENT = dt.datetime(2026, 10, 3, 13, 5, tzinfo=dt.UTC)


def test_in_zone_renders_wall_clock_time_with_the_zone_label():
    assert in_zone(MOMENT, zoneinfo.ZoneInfo("Europe/Lisbon")) == "2026-10-03 14:05 (Europe/Lisbon)"
    assert in_zone(MOMENT, "Asia/Kolkata") == "2026-10-03 18:35 (Asia/Kolkata)"
    assert in_zone(MOMENT, "") == "2026-10-03 13:05 (UTC)"  # no contract: the server's zone, still labelled
    assert in_zone(None, "Europe/Lisbon") == ""


def test_in_zone_in_a_template():
    rendered = Template("{% load core_tags %}{{ at|in_zone:zone }}").render(
        Context({"at": MOMENT, "zone": "America/Sao_Paulo"})
    )
    assert rendered == "2026-10-03 10:05 (America/Sao_Paulo)"
