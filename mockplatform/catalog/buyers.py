"""Buyers: given or generated with Faker in the market's locale, seeded per buyer.

Each buyer's generated fields come from a Faker instance seeded from the sandbox seed and the
buyer's own id (keyed randomness), so a buyer does not change because another was made first,
nor because another thread was making one at the same time: each thread has its own instances.
Markets Faker has no locale for (MY, SG) take names from the closest locale and addresses from
``fixtures/catalogs/markets.yaml``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import TYPE_CHECKING, Any

from mockplatform.catalog import fixtures
from mockplatform.catalog.errors import BuyerNotFound
from mockplatform.catalog.models import Buyer
from mockplatform.catalog.service import new_id
from mockplatform.engine import rng
from mockplatform.engine.context import SandboxContext

if TYPE_CHECKING:
    from faker import Faker

FIELDS = ("first_name", "last_name", "phone", "email", "address1", "address2", "city", "region",
          "postcode")


class _Fakers(threading.local):
    """The Faker instances of the current thread, by locale."""

    def __init__(self) -> None:
        self.by_locale: dict[str, Faker] = {}


_fakers = _Fakers()


def _faker(locale: str) -> Faker:
    """This thread's instance for ``locale``, reseeded for every buyer: building one costs 4-7 ms,
    several buyers' worth. Never shared between threads: reseeding an instance that another
    thread is drawing from would mix the two buyers' streams (concurrent requests, PostgreSQL)."""
    names = _fakers.by_locale.get(locale)
    if names is None:
        # Imported by the first buyer, not when the server starts: a fifth of its imports.
        from faker import Faker  # noqa: PLC0415

        names = _fakers.by_locale[locale] = Faker(locale)
    return names


def generate(seed: int, market: str, buyer_id: int,
             given: dict[str, Any] | None = None) -> dict[str, str]:
    """The generated profile of buyer ``buyer_id``: the same for the same seed, always.

    Names in ``given`` replace the generated ones before the email is made from them."""
    spec = fixtures.market(market)
    draw = rng.keyed(seed, f"buyer:{buyer_id}", "profile")
    names = _faker(spec["names"]["locale"])
    names.seed_instance(draw.getrandbits(64))
    if spec["names"].get("romanized"):
        first_name, last_name = names.first_romanized_name(), names.last_romanized_name()
    else:
        # By gender: some locales' plain first_name() falls back to English names (vi_VN).
        gender = names.random_element(("male", "female"))
        first_name = getattr(names, f"first_name_{gender}")()
        last_name = names.last_name()
    address = spec["address"]
    if "locale" in address:
        places = _faker(address["locale"])
        places.seed_instance(draw.getrandbits(64))
        address1, city = places.street_address(), places.city()
        region, postcode = places.administrative_unit(), places.postcode()
    else:
        names.seed_instance(draw.getrandbits(64))
        street = names.random_element(address["street_names"])
        address1 = names.numerify(names.random_element(address["streets"])).format(street=street)
        place = names.random_element(address["cities"])
        city, region, postcode = place["city"], place["region"], names.numerify(place["postcode"])
    first_name = (given or {}).get("first_name", first_name)
    last_name = (given or {}).get("last_name", last_name)
    names.seed_instance(draw.getrandbits(64))
    phone = names.numerify(names.random_element(spec["phone_formats"]))
    local_part = _ascii(f"{first_name}.{last_name}") or "buyer"
    email = f"{local_part}.{buyer_id % 100000}@{names.free_email_domain()}"
    return {"first_name": first_name, "last_name": last_name, "phone": phone, "email": email,
            "address1": address1, "address2": "", "city": city, "region": region,
            "postcode": postcode}


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "", plain.lower()).strip(".")


def build(ctx: SandboxContext, buyer_id: int, given: dict[str, Any]) -> Buyer:
    missing = [name for name in FIELDS if name not in given]
    generated = generate(ctx.sandbox.seed, ctx.sandbox.market, buyer_id, given) if missing else {}
    values = {name: given[name] if name in given else generated[name] for name in FIELDS}
    return Buyer(sandbox_id=ctx.id, buyer_id=buyer_id, country=ctx.sandbox.market,
                 created_at=ctx.now, **values)


def create(ctx: SandboxContext, given: dict[str, Any]) -> Buyer:
    """A buyer with the fields given; the others generated in the market's locale."""
    buyer = build(ctx, new_id(ctx, "buyer"), given)
    ctx.session.add(buyer)
    ctx.record("buyer.created", subject=str(buyer.buyer_id), data={
        "buyer_id": buyer.buyer_id, "country": buyer.country})
    return buyer


def get(ctx: SandboxContext, buyer_id: int) -> Buyer:
    buyer = ctx.session.get(Buyer, (ctx.id, buyer_id))
    if buyer is None:
        raise BuyerNotFound(f"no buyer {buyer_id} in this sandbox",
                            details=[{"field": "buyer_id", "location": "path",
                                      "message": "unknown buyer"}])
    return buyer
