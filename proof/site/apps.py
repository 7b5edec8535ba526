from django.apps import AppConfig


class ProofSiteConfig(AppConfig):
    """Pages that only the proof serves: a form, a JSON API, a CSP probe and a counter."""

    name = "proof.site"
    label = "proof_site"
    default_auto_field = "django.db.models.BigAutoField"
