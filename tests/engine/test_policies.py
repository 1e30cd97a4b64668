"""The policy tables of POLICIES.md, as data: keys, defaults, calendars, overrides."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from importlib import resources

import pytest
import yaml

from mockplatform.engine.calendar import CALENDAR_KINDS
from mockplatform.engine.calendar import MARKETS as CALENDAR_ZONES
from mockplatform.engine.policies import (
    MARKETS,
    PLATFORMS,
    SHIPPING_KINDS,
    TYPES,
    DurationRange,
    Money,
    load_table,
    validate_overrides,
)
from mockplatform.errors import ValidationFailed

# Every key of POLICIES.md, profile by profile, in the order of its table.
KEYS = {
    "lazada": [
        "order.rts_deadline",
        "order.late_rts_fine",
        "logistics.first_mile_scan_deadline",
        "logistics.journey",
        "delivery.max_attempts",
        "delivery.failure_reasons",
        "settlement.cycle",
        "settlement.seller_marked_failed",
        "tracking.report_max_range",
        "resale.eligible",
        "resale.qc_checks",
        "resale.relist_delay",
        "resale.window",
        "resale.stock_priority",
        "resale.second_failure",
        "return_service.option",
        "return_service.return_threshold",
        "return_service.worry_free",
        "resale.overview",
    ],
    "tiktok_shop": [
        "reshipment.seller_response",
        "reshipment.partial_refund_response",
        "reshipment.alternative_more_favourable",
        "reshipment.ship_deadline",
        "reshipment.shipping",
        "return.seller_response",
        "return.buyer_ship_back",
        "return.seller_receive_review",
        "failed_return.seller_rejected",
        "failed_return.max_attempts",
        "failed_return.claim_window",
        "order.awaiting_collection_deadline",
        "order.collection_deadline",
        "tracking.report_max_range",  # cross-profile rule
    ],
    "aliexpress": [
        "semi_hosted.ship_deadline",
        "semi_hosted.late_fine",
        "semi_hosted.cancel_after",
        "tracking.report_max_range",  # cross-profile rule
    ],
}

HOURS = timedelta(hours=1)
DAYS = timedelta(days=1)
REQUIRED_ROW_FIELDS = {"key", "type", "value", "calendar", "effect", "description", "source"}
OPTIONAL_ROW_FIELDS = {"choices", "min", "max", "fields", "by_market", "calendar_by_shipping",
                       "calendar_market", "end_of_day"}


def rows(platform):
    text = resources.files("mockplatform.engine.policies").joinpath(f"{platform}.yaml").read_text()
    document = yaml.safe_load(text)
    assert document["platform"] == platform
    return document["policies"]


def details_of(excinfo):
    return {detail["field"]: detail["message"] for detail in excinfo.value.details}


# -- the tables are what POLICIES.md says -------------------------------------------------------

# Rules this project adds where POLICIES.md is silent ([choice] in their source), each of them
# data like the documented ones; they may stand anywhere in a table.
EXTENSIONS = {
    "lazada": {"order.delayed_warning", "logistics.journey_jitter", "logistics.measurement_noise",
               "logistics.shipping_fee", "logistics.loss_compensation", "delivery.failure_rate",
               "logistics.return_leg", "gateway.token_lifetimes", "gateway.http_methods",
               "resale.service", "resale.qc_failure_rate", "return.request_window",
               "cancellation.seller_response", "return.seller_response",
               "return.auto_refund_threshold", "return.buyer_ship_back",
               "return.seller_receive_review", "return.parcel_journey", "aftersales.reasons",
               "aftersales.request_rate", "failed_return.notice",
               "failed_return.seller_rejected", "failed_return.max_attempts",
               "failed_return.claim_window"},
    "tiktok_shop": {"order.remorse_window", "order.rts_sla", "order.delivery_deadline",
                    "return.request_window", "logistics.journey", "logistics.journey_jitter",
                    "logistics.measurement_noise", "logistics.shipping_fee",
                    "logistics.loss_compensation", "delivery.max_attempts",
                    "delivery.failure_reasons", "delivery.failure_rate", "logistics.return_leg",
                    "settlement.cycle", "cancellation.seller_response",
                    "return.partial_refund_response", "return.parcel_journey",
                    "aftersales.reasons", "aftersales.request_rate", "failed_return.notice"},
    "aliexpress": set(),
}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_profile_has_exactly_the_documented_keys_in_order(platform):
    keys = [policy.key for policy in load_table(platform, "MY")]
    assert [key for key in keys if key not in EXTENSIONS[platform]] == KEYS[platform]
    assert set(keys) - set(KEYS[platform]) == EXTENSIONS[platform]
    for key in EXTENSIONS[platform]:
        # Our choice, or the platform's public documentation cited from shared/reference/.
        source = load_table(platform, "MY").get(key).source
        assert "[choice]" in source or re.match(r"\[public\] [TL][0-9]+", source), key


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rows_are_well_formed(platform):
    seen = set()
    for row in rows(platform):
        where = f"{platform}.yaml {row.get('key')}"
        assert REQUIRED_ROW_FIELDS <= set(row) <= REQUIRED_ROW_FIELDS | OPTIONAL_ROW_FIELDS, where
        assert row["key"] not in seen, f"{where}: duplicate key"
        seen.add(row["key"])
        assert row["type"] in TYPES, where
        calendars = {row["calendar"], *(row.get("calendar_by_shipping") or {}).values()}
        assert calendars <= {None, *CALENDAR_KINDS}, where
        assert set(row.get("calendar_by_shipping") or {}) <= set(SHIPPING_KINDS), where
        assert row.get("calendar_market") in (None, *CALENDAR_ZONES), where
        assert set(row.get("by_market") or {}) <= set(MARKETS), where
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", row["effect"]), where
        assert row["description"].endswith(".") and ". " not in row["description"], where
        assert re.match(r"\[(seed|public|choice)\]", row["source"]), where
        if row["type"] == "mapping":
            assert all(spec["type"] in TYPES for spec in row["fields"].values()), where


@pytest.mark.parametrize(("platform", "market", "key", "expected"), [
    ("lazada", "MY", "order.rts_deadline", 48 * HOURS),
    ("lazada", "MY", "order.late_rts_fine", Money(Decimal("5"), "USD")),
    ("lazada", "MY", "logistics.first_mile_scan_deadline", 7 * DAYS),
    ("lazada", "MY", "delivery.max_attempts", 3),
    ("lazada", "MY", "tracking.report_max_range", 30 * DAYS),
    ("lazada", "MY", "resale.relist_delay", DurationRange(5 * DAYS, 8 * DAYS)),
    ("lazada", "MY", "resale.window", 28 * DAYS),
    ("lazada", "TH", "resale.window", 28 * DAYS),
    ("lazada", "VN", "resale.window", 60 * DAYS),
    ("lazada", "MY", "return_service.option", "return_to_seller"),
    ("lazada", "MY", "settlement.seller_marked_failed", True),
    ("tiktok_shop", "TH", "order.remorse_window", 1 * HOURS),
    ("tiktok_shop", "TH", "order.delivery_deadline", 30 * DAYS),
    ("tiktok_shop", "TH", "return.request_window", 7 * DAYS),
    ("tiktok_shop", "VN", "return.request_window", 15 * DAYS),
    ("tiktok_shop", "TH", "delivery.max_attempts", 3),
    ("tiktok_shop", "MY", "reshipment.seller_response", 2 * DAYS),
    ("tiktok_shop", "MY", "reshipment.partial_refund_response", 1 * DAYS),
    ("tiktok_shop", "MY", "reshipment.ship_deadline", 2 * DAYS),
    ("tiktok_shop", "MY", "return.seller_response", 48 * HOURS),
    ("tiktok_shop", "MY", "return.buyer_ship_back", 5 * DAYS),
    ("tiktok_shop", "MY", "return.seller_receive_review", 48 * HOURS),
    ("tiktok_shop", "MY", "failed_return.max_attempts", 3),
    ("tiktok_shop", "MY", "failed_return.claim_window", 7 * DAYS),
    ("tiktok_shop", "MY", "order.awaiting_collection_deadline", 2 * DAYS),
    ("tiktok_shop", "MY", "order.collection_deadline", 3 * DAYS),
    ("tiktok_shop", "MY", "reshipment.alternative_more_favourable", None),
    ("tiktok_shop", "MY", "failed_return.seller_rejected", None),
    ("aliexpress", "MY", "semi_hosted.ship_deadline", 2 * DAYS),
    ("aliexpress", "MY", "semi_hosted.cancel_after", 7 * DAYS),
    ("aliexpress", "MY", "tracking.report_max_range", 30 * DAYS),
])
def test_documented_defaults(platform, market, key, expected):
    policy = load_table(platform, market).get(key)
    assert policy.value == expected
    assert policy.default == expected
    assert not policy.overridden


def test_compound_defaults():
    lazada = load_table("lazada", "MY")
    assert dict(lazada.value("settlement.cycle")) == {
        "statement_starts_on": "monday", "statement_period": 7 * DAYS,
        "paid_after_working_days": 5}
    assert lazada.value("return_service.return_threshold")["threshold"] == Money(Decimal("10"),
                                                                                 "USD")
    assert lazada.value("return_service.return_threshold")["return_transit"] == 30 * DAYS
    assert lazada.value("return_service.worry_free")["compensation"] == Decimal("0.9")
    assert set(lazada.value("return_service.worry_free")["excluded_markets"]) == {"VN", "SG"}
    assert lazada.value("resale.eligible")["excluded_markets"] == ("SG",)
    assert lazada.value("resale.qc_checks")["inspected_after"] == 1 * DAYS
    assert set(lazada.value("resale.qc_checks")["automatic_reject"]) == {"sku_listed",
                                                                        "not_restricted"}
    assert len(lazada.value("delivery.failure_reasons")) == 8
    overview = lazada.value("resale.overview")
    assert (overview["short_window"], overview["long_window"]) == (7 * DAYS, 30 * DAYS)
    journey = lazada.value("logistics.journey")
    assert list(journey)[:7] == ["pickup", "origin_sorting_scan", "uplift", "destination_arrival",
                                 "customs", "last_mile_hub", "out_for_delivery"]
    assert journey["pickup"] == 12 * HOURS
    assert journey["customs"] == timedelta(days=4, hours=12)
    fine = load_table("aliexpress", "MY").value("semi_hosted.late_fine")
    assert dict(fine) == {"short_delay_max": 48 * HOURS, "short_delay_fine": Decimal("0.5"),
                          "long_delay_fine": Decimal("1")}
    assert load_table("tiktok_shop", "MY").value("reshipment.shipping")["fee_payer"] == "seller"


def test_money_and_ratios_are_decimal_never_float():
    lazada = load_table("lazada", "MY")
    assert isinstance(lazada.value("order.late_rts_fine").amount, Decimal)
    assert isinstance(lazada.value("return_service.worry_free")["compensation"], Decimal)


@pytest.mark.parametrize(("platform", "key", "calendar"), [
    ("lazada", "order.rts_deadline", "hours_excl_non_working"),
    ("lazada", "order.late_rts_fine", None),
    ("lazada", "logistics.first_mile_scan_deadline", "calendar_days"),
    ("lazada", "delivery.max_attempts", "working_days"),
    ("lazada", "settlement.cycle", "working_days"),
    ("lazada", "tracking.report_max_range", None),
    ("lazada", "resale.relist_delay", "calendar_days"),
    ("lazada", "resale.window", "calendar_days"),
    ("tiktok_shop", "reshipment.seller_response", "calendar_days"),
    ("tiktok_shop", "reshipment.partial_refund_response", "calendar_days"),
    ("tiktok_shop", "reshipment.ship_deadline", "working_days"),
    ("tiktok_shop", "return.seller_response", "hours"),
    ("tiktok_shop", "return.buyer_ship_back", "calendar_days"),
    ("tiktok_shop", "return.seller_receive_review", "hours"),
    ("tiktok_shop", "failed_return.claim_window", "calendar_days"),
    ("tiktok_shop", "order.awaiting_collection_deadline", "end_of_working_day_n"),
    ("tiktok_shop", "order.collection_deadline", "end_of_working_day_n"),
    ("aliexpress", "semi_hosted.ship_deadline", "calendar_days"),
    ("aliexpress", "semi_hosted.late_fine", "hours"),
    ("aliexpress", "semi_hosted.cancel_after", "calendar_days"),
])
def test_documented_calendars(platform, key, calendar):
    assert load_table(platform, "MY").get(key).calendar == calendar


def test_rts_deadline_counts_plain_hours_for_local_shipping():
    policy = load_table("lazada", "MY").get("order.rts_deadline")
    assert policy.calendar_for("cross_border") == "hours_excl_non_working"
    assert policy.calendar_for("local") == "hours"
    with pytest.raises(ValueError, match="shipping"):
        policy.calendar_for("drone")


def test_semi_hosted_deadlines_count_in_the_sellers_time_to_the_end_of_the_day():
    table = load_table("aliexpress", "TH")
    for key in ("semi_hosted.ship_deadline", "semi_hosted.cancel_after"):
        assert table.get(key).calendar_market == "CN"
        assert table.get(key).end_of_day
    assert not table.get("tracking.report_max_range").end_of_day


# -- overrides -----------------------------------------------------------------------------------

def test_overrides_apply_and_are_reported():
    table = load_table("lazada", "MY", {"order.rts_deadline": "PT72H",
                                        "order.late_rts_fine": {"amount": 7, "currency": "usd"}})
    rts = table.get("order.rts_deadline")
    assert rts.value == 72 * HOURS and rts.default == 48 * HOURS and rts.overridden
    assert table.value("order.late_rts_fine") == Money(Decimal("7"), "USD")
    assert not table.get("resale.window").overridden


def test_an_override_wins_over_the_market_default():
    policy = load_table("lazada", "VN", {"resale.window": "P40D"}).get("resale.window")
    assert (policy.value, policy.default) == (40 * DAYS, 60 * DAYS)


def test_float_money_amount_is_read_through_its_decimal_text():
    table = load_table("lazada", "MY", {"order.late_rts_fine": {"amount": 5.5, "currency": "MYR"}})
    assert table.value("order.late_rts_fine") == Money(Decimal("5.5"), "MYR")


def test_partial_mapping_override_changes_only_the_given_fields():
    table = load_table("lazada", "MY", {"settlement.cycle": {"paid_after_working_days": 3}})
    policy = table.get("settlement.cycle")
    assert policy.value["paid_after_working_days"] == 3
    assert policy.value["statement_starts_on"] == "monday"
    assert policy.value["statement_period"] == 7 * DAYS
    assert policy.default["paid_after_working_days"] == 5
    assert policy.overridden


def test_partial_schedule_override_keeps_the_other_steps_and_their_order():
    table = load_table("lazada", "MY", {"logistics.journey": {"pickup": "PT2H"}})
    journey = table.value("logistics.journey")
    assert journey["pickup"] == 2 * HOURS
    assert journey["uplift"] == 2 * DAYS
    assert list(journey) == list(load_table("lazada", "MY").value("logistics.journey"))


def test_a_nested_mapping_override_changes_only_the_fields_it_names():
    overrides = {"delivery.failure_rate": {"first_attempt": "0.3",
                                           "reason_weights": {"force_majeure": 1}}}
    policy = load_table("lazada", "MY", overrides).get("delivery.failure_rate")
    assert policy.value["first_attempt"] == Decimal("0.3")
    assert policy.value["later_attempts"] == Decimal("0")
    assert policy.value["reason_weights"]["force_majeure"] == Decimal("1")
    assert policy.value["reason_weights"]["recipient_absent"] == Decimal("0.35")
    stored = validate_overrides("lazada", overrides)
    assert load_table("lazada", "MY", stored) == load_table("lazada", "MY", overrides)


def test_schedule_offsets_must_not_decrease():
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("lazada", "MY", {"logistics.journey": {"customs": "P10D"}})
    assert "last_mile_hub" in details_of(excinfo)["policy_overrides.logistics.journey"]


def test_unknown_key_is_named_with_a_suggestion():
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("lazada", "MY", {"order.rts_deadlin": "PT72H"})
    message = details_of(excinfo)["policy_overrides.order.rts_deadlin"]
    assert "unknown to the lazada profile" in message
    assert "'order.rts_deadline'" in message
    assert excinfo.value.details[0]["location"] == "body"


def test_a_key_of_another_profile_says_where_it_belongs():
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("aliexpress", "MY", {"return.seller_response": "PT24H"})
    assert "tiktok_shop" in details_of(excinfo)["policy_overrides.return.seller_response"]


@pytest.mark.parametrize(("key", "value", "field", "expected"), [
    ("order.rts_deadline", "48 hours", "policy_overrides.order.rts_deadline",
     "ISO 8601 duration such as PT49H"),
    ("order.rts_deadline", "-PT1H", "policy_overrides.order.rts_deadline", "zero or more"),
    ("order.rts_deadline", "P1M", "policy_overrides.order.rts_deadline", "years or months"),
    ("resale.window", "P1Y", "policy_overrides.resale.window", "years or months"),
    ("resale.window", "PT36H", "policy_overrides.resale.window", "whole number of days"),
    ("order.late_rts_fine", {"amount": "-1", "currency": "USD"},
     "policy_overrides.order.late_rts_fine", "zero or more"),
    ("order.late_rts_fine", {"amount": "5", "currency": 5.0},
     "policy_overrides.order.late_rts_fine", "currency code"),
    ("order.late_rts_fine", {"amount": "5", "currency": "EUR"},
     "policy_overrides.order.late_rts_fine", "currency code"),
    ("order.late_rts_fine", {"amount": "five", "currency": "USD"},
     "policy_overrides.order.late_rts_fine", "decimal amount"),
    ("order.late_rts_fine", "5.00", "policy_overrides.order.late_rts_fine", "amount"),
    ("return_service.option", "burn", "policy_overrides.return_service.option",
     "one of return_to_seller, worry_free, local_disposal"),
    ("delivery.max_attempts", 0, "policy_overrides.delivery.max_attempts", "at least 1"),
    ("delivery.max_attempts", True, "policy_overrides.delivery.max_attempts", "whole number"),
    ("delivery.failure_reasons", ["bad_weather"], "policy_overrides.delivery.failure_reasons",
     "among"),
    ("settlement.seller_marked_failed", "no",
     "policy_overrides.settlement.seller_marked_failed", "true or false"),
    ("resale.relist_delay", {"min": "P9D", "max": "P8D"}, "policy_overrides.resale.relist_delay",
     "min no later than max"),
    ("return_service.worry_free", {"compensation": 1.5},
     "policy_overrides.return_service.worry_free.compensation", "ratio from 0 to 1"),
    ("settlement.cycle", {"statement_starts_on": "funday"},
     "policy_overrides.settlement.cycle.statement_starts_on", "one of monday"),
    ("settlement.cycle", {"paid_after": 3}, "policy_overrides.settlement.cycle.paid_after",
     "unknown field"),
    ("resale.second_failure", None, "policy_overrides.resale.second_failure", "no value"),
])
def test_malformed_override_names_the_field_and_what_was_expected(key, value, field, expected):
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("lazada", "MY", {key: value})
    assert expected in details_of(excinfo)[field]


def test_every_bad_key_is_reported_at_once():
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("lazada", "MY", {"order.rts_deadline": "soon",
                                    "order.late_rts_fine": {"amount": -5, "currency": "USD"},
                                    "no.such_key": 1,
                                    "resale.window": "P30D"})
    assert set(details_of(excinfo)) == {"policy_overrides.order.rts_deadline",
                                        "policy_overrides.order.late_rts_fine",
                                        "policy_overrides.no.such_key"}


def test_overrides_must_be_an_object():
    with pytest.raises(ValidationFailed) as excinfo:
        load_table("lazada", "MY", ["order.rts_deadline"])
    assert "policy_overrides" in details_of(excinfo)


@pytest.mark.parametrize(("platform", "market", "field"), [
    ("amazon", "MY", "platform"), ("lazada", "US", "market"), ("lazada", "my", "market")])
def test_unknown_platform_or_market(platform, market, field):
    with pytest.raises(ValidationFailed) as excinfo:
        load_table(platform, market)
    assert field in details_of(excinfo)


def test_validate_overrides_refuses_an_unknown_platform():
    with pytest.raises(ValidationFailed) as excinfo:
        validate_overrides("amazon", {})
    assert "platform" in details_of(excinfo)


# -- access and rendering ------------------------------------------------------------------------

def test_access_by_key():
    table = load_table("tiktok_shop", "TH")
    assert table.duration("return.seller_response") == 48 * HOURS
    assert "return.seller_response" in table
    with pytest.raises(TypeError):
        table.duration("failed_return.max_attempts")
    with pytest.raises(KeyError):
        table.get("order.rts_deadline")


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("market", MARKETS)
def test_json_rendering_is_json_safe(platform, market):
    rendered = load_table(platform, market).to_json()
    assert json.loads(json.dumps(rendered)) == rendered
    for entry in rendered:
        assert {"key", "type", "value", "default", "calendar", "effect", "description", "source",
                "overridden", "by_market"} <= set(entry)


def test_json_rendering_of_values():
    rendered = {entry["key"]: entry for entry in load_table("lazada", "VN").to_json()}
    assert rendered["order.late_rts_fine"]["value"] == {"amount": "5.00", "currency": "USD"}
    assert rendered["resale.window"]["value"] == "P60D"
    assert rendered["resale.window"]["by_market"] == {"VN": "P60D"}
    assert rendered["resale.relist_delay"]["value"] == {"min": "P5D", "max": "P8D"}
    assert rendered["order.rts_deadline"]["calendar_by_shipping"] == {"local": "hours"}
    assert rendered["return_service.worry_free"]["value"]["compensation"] == "0.9"
    assert rendered["logistics.journey"]["value"]["pickup"] == "PT12H"


OVERRIDES = {
    "lazada": {"order.rts_deadline": "PT49H",
               "order.late_rts_fine": {"amount": 2.5, "currency": "MYR"},
               "logistics.journey": {"pickup": 3600},
               "resale.relist_delay": {"min": "P1D", "max": "P2D"},
               "delivery.failure_reasons": ["recipient_absent", "recipient_absent"],
               "settlement.cycle": {"paid_after_working_days": 1},
               "return_service.worry_free": {"compensation": "0.75",
                                             "excluded_markets": ["VN"]},
               "settlement.seller_marked_failed": False,
               "return_service.option": "local_disposal"},
    "tiktok_shop": {"return.seller_response": "PT1H", "failed_return.max_attempts": 5,
                    "order.collection_deadline": "P4D"},
    "aliexpress": {"semi_hosted.late_fine": {"short_delay_fine": 0.25}},
}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_validated_overrides_rebuild_the_same_table(platform):
    overrides = OVERRIDES[platform]
    stored = validate_overrides(platform, overrides)
    assert json.loads(json.dumps(stored)) == stored
    assert set(stored) == set(overrides)
    for market in MARKETS:
        assert load_table(platform, market, stored) == load_table(platform, market, overrides)
    assert validate_overrides(platform, stored) == stored


def test_validated_overrides_stay_partial():
    stored = validate_overrides("lazada", OVERRIDES["lazada"])
    assert stored["settlement.cycle"] == {"paid_after_working_days": 1}
    assert stored["logistics.journey"] == {"pickup": "PT1H"}
    assert stored["order.late_rts_fine"] == {"amount": "2.5", "currency": "MYR"}
    assert stored["delivery.failure_reasons"] == ["recipient_absent"]


def test_a_kept_table_is_the_table_its_overrides_make_and_is_shared_until_they_change():
    from mockplatform.engine.policies import load_table, table_for

    overrides = {"delivery.failure_rate": {"first_attempt": "0.3", "later_attempts": "1"},
                 "order.rts_deadline": "PT72H"}
    kept = table_for("lazada", "MY", overrides)
    assert kept == load_table("lazada", "MY", overrides)
    reordered = {"order.rts_deadline": "PT72H",
                 "delivery.failure_rate": {"later_attempts": "1", "first_attempt": "0.3"}}
    assert table_for("lazada", "MY", reordered) is kept
    assert table_for("lazada", "MY", None) is table_for("lazada", "MY", {})
    assert table_for("lazada", "MY", None) == load_table("lazada", "MY")
    assert table_for("lazada", "MY", None).value("delivery.failure_rate") != kept.value(
        "delivery.failure_rate")
    assert table_for("lazada", "TH", overrides) is not kept  # by market too
