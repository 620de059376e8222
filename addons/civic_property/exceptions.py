# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import AccessError, ValidationError


class ManagementError(ValidationError):
    "A management contract the rules do not allow"


class StewardError(ValidationError):
    "A red steward placed where the company does not manage"


class LogError(ValidationError):
    "A work log the rules do not allow"


class LogAccessError(AccessError):
    "A change to an acknowledged work log"


class TripartiteError(ValidationError):
    "A tripartite meeting without its three parties"


class ProjectError(ValidationError):
    "A service project step the rules do not allow"


class ComplaintError(ValidationError):
    "A property complaint step the rules do not allow"


class EvaluationError(ValidationError):
    "A property evaluation the rules do not allow"


class DeductionError(ValidationError):
    "A property-fee deduction the rules do not allow"
