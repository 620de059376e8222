# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class AwardError(ValidationError):
    "An award the rules do not allow"


class CapError(AwardError):
    "An award over a rule's daily or monthly cap"


class BalanceError(ValidationError):
    "A debit larger than the balance"


class LedgerError(AccessError):
    "A change to a posted ledger line"


class ReversalError(ValidationError):
    pass


class OfferError(ValidationError):
    pass


class VoucherError(UserError):
    "A voucher that cannot be redeemed"


class SettlementError(ValidationError):
    pass


class PublicationError(ValidationError):
    pass
