"""What may be uploaded to a request: the portal's upload rules (``common.uploads``), re-exported here
where the tickets app has always found them."""

from common.uploads import TYPES, UploadValidator, allowed_label, max_bytes, validate_upload

__all__ = ["TYPES", "UploadValidator", "allowed_label", "max_bytes", "validate_upload"]
