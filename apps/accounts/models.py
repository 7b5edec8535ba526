from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The site's user.

    Django's own fields for now. Because AUTH_USER_MODEL points here from the
    first migration, fields can be added later with an ordinary migration;
    swapping the user model on a live database is not supported by Django.
    https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
    """
