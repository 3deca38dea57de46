"""What pricing returns: priced lines, discounts with their sentences, shipping and total."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shop.catalog.models import Product


# Not frozen: a frozen dataclass is five times slower to make, and a basket may get hundreds of
# discounts when national offers stack. Nothing changes one once pricing has returned it.
@dataclass(slots=True)
class Discount:
    offer_id: int | None  # None for a personal voucher
    sentence: str
    amount: Decimal  # taken off the lines (0 for free shipping)
    free_shipping: bool = False
    code: str = ""
    voucher_id: int | None = None


@dataclass(frozen=True)
class VoucherTerms:
    """A personal voucher as pricing reads it, looked up for one shopper: `problem` says why
    they cannot use it (not theirs, used, expired), empty when they can."""

    id: int
    code: str
    percent: Decimal
    sentence: str
    problem: str = ""


@dataclass
class PricedLine:
    product: Product
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal(0)

    @property
    def gross(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def total(self) -> Decimal:
        return self.gross - self.discount


@dataclass
class PriceResult:
    lines: list[PricedLine]
    discounts: list[Discount]
    shipping: Decimal
    shipping_method: str
    currency: str
    # Codes entered that do not apply, with the reason for the shopper.
    code_problems: dict[str, str] = field(default_factory=dict)
    # How much more to spend for free shipping, when that is within reach.
    missing_for_free_shipping: Decimal | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal(0))

    @property
    def discount_total(self) -> Decimal:
        return sum((d.amount for d in self.discounts), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total + self.shipping

    @property
    def free_shipping(self) -> bool:
        return any(d.free_shipping for d in self.discounts)
