"""IEEE 754-2008 decimal floating point in the binary integer (BID) layout.

Part 1 §1.6.13-15: decimal32/64/128 are "IEEE 754-2008 decimal32/64/128 using the
Binary Integer Decimal encoding".  Written once and used by both backends (decimals
are rare on the wire; a Python call per decimal costs nothing that matters).

Decisions: a value encodes only if its exact coefficient and exponent fit the format,
so ``1.0`` and ``1.00`` stay distinct and nothing is rounded or clamped.  Decoding
follows IEEE 754: a non-canonical coefficient (larger than 10**p - 1) reads as zero
with its exponent, a non-canonical NaN payload as no payload, and the unused bits of
an infinity are ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .errors import EncodeError

__all__ = ["DecimalFormat", "FORMATS", "decimal_to_bid", "bid_to_decimal", "check_decimal_fits"]


class DecimalFormat(NamedTuple):
    bits: int  # k: total width
    digits: int  # p: precision in decimal digits
    exponent_bits: int  # w + 2: width of the biased exponent
    trailing_bits: int  # t: width of the trailing significand field
    bias: int
    type_name: str

    @property
    def min_exponent(self) -> int:
        """Smallest exponent of the integer coefficient (emin - p + 1)."""
        return -self.bias

    @property
    def max_exponent(self) -> int:
        """Largest exponent of the integer coefficient (emax - p + 1)."""
        return (3 << (self.exponent_bits - 2)) - 1 - self.bias


FORMATS: dict[int, DecimalFormat] = {
    32: DecimalFormat(32, 7, 8, 20, 101, "decimal32"),
    64: DecimalFormat(64, 16, 10, 50, 398, "decimal64"),
    128: DecimalFormat(128, 34, 14, 110, 6176, "decimal128"),
}


def check_decimal_fits(value: Decimal, width: int) -> None:
    """Raise :class:`EncodeError` unless ``value`` is exactly representable at ``width``."""
    fmt = FORMATS[width]
    _, digits, exponent = value.as_tuple()
    if isinstance(exponent, str):  # 'n', 'N' (NaN) or 'F' (infinity)
        if exponent != "F" and len(digits) > fmt.digits - 1 and any(digits):
            raise EncodeError(f"NaN payload {value} does not fit {fmt.type_name}")
        return
    if len(digits) > fmt.digits:
        raise EncodeError(f"{value} has {len(digits)} significant digits; {fmt.type_name} holds {fmt.digits}")
    if not fmt.min_exponent <= exponent <= fmt.max_exponent:
        raise EncodeError(
            f"exponent of {value} is outside {fmt.type_name}'s range [{fmt.min_exponent}, {fmt.max_exponent}]"
        )


def decimal_to_bid(value: Decimal, width: int) -> bytes:
    """The ``width``-bit BID encoding of ``value``, big-endian (network order)."""
    fmt = FORMATS[width]
    check_decimal_fits(value, width)
    sign, digits, exponent = value.as_tuple()
    k, t = fmt.bits, fmt.trailing_bits
    bits = sign << (k - 1)
    if exponent == "F":
        bits |= 0b11110 << (k - 6)
    elif isinstance(exponent, str):
        bits |= 0b11111 << (k - 6)
        if exponent == "N":  # signalling
            bits |= 1 << (k - 7)
        bits |= int("".join(map(str, digits)) or "0")
    else:
        coefficient = int("".join(map(str, digits)))
        biased = exponent + fmt.bias
        if coefficient < 1 << (t + 3):
            bits |= biased << (t + 3) | coefficient
        else:  # the coefficient's top bits are the implied 100
            bits |= 0b11 << (k - 3) | biased << (t + 1) | (coefficient & ((1 << (t + 1)) - 1))
    return bits.to_bytes(width // 8, "big")


def bid_to_decimal(data: bytes, width: int) -> Decimal:
    """The value of ``width // 8`` big-endian BID bytes."""
    fmt = FORMATS[width]
    k, t, p = fmt.bits, fmt.trailing_bits, fmt.digits
    bits = int.from_bytes(data, "big")
    sign = bits >> (k - 1)
    top5 = (bits >> (k - 6)) & 0b11111
    if top5 == 0b11110:
        return Decimal((sign, (0,), "F"))  # type: ignore[arg-type]  # typeshed omits the special exponents
    if top5 == 0b11111:
        payload = bits & ((1 << t) - 1)
        if payload >= 10 ** (p - 1):
            payload = 0
        kind = "N" if (bits >> (k - 7)) & 1 else "n"
        digits = tuple(int(c) for c in str(payload)) if payload else ()
        return Decimal((sign, digits, kind))  # type: ignore[arg-type]
    exponent_mask = (1 << fmt.exponent_bits) - 1
    if (top5 >> 3) == 0b11:
        biased = (bits >> (t + 1)) & exponent_mask
        coefficient = (0b100 << (t + 1)) | (bits & ((1 << (t + 1)) - 1))
    else:
        biased = (bits >> (t + 3)) & exponent_mask
        coefficient = bits & ((1 << (t + 3)) - 1)
    if coefficient >= 10**p:
        coefficient = 0
    return Decimal((sign, tuple(int(c) for c in str(coefficient)), biased - fmt.bias))
