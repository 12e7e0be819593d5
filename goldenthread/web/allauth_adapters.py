"""django-allauth's hooks into Golden Thread: who may sign up (nobody, except by
invitation) and how a sign-in through an organisation's identity provider finds its
account. The decisions are the core services'; these classes only call them."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
