"""The release gate for the services' variables: Redis, S3, mail, Sentry, proxies, logging.

Each rule judges a value as the real client would use it (redis-py, boto3, smtplib,
sentry-sdk, gunicorn) and says how to fix it. docs/security.md lists every id.
"""

from __future__ import annotations

from apps.core import service_checks

# The bucket's backend is django-storages' S3Storage (apps/core/bucket.py): the S3 rules
# judge its options as they judge S3Storage's.
service_checks.S3_BACKENDS.add("apps.core.bucket.InertS3Storage")
