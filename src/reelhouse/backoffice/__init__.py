"""The back office: server-rendered pages (Jinja2 templates, no script) for platform admins
and operator users, under /backoffice. See docs/backoffice.md."""

from fastapi import APIRouter

from reelhouse.backoffice import (
    routes_account,
    routes_auth,
    routes_conformance,
    routes_ops,
    routes_providers,
    routes_reports,
    routes_settings,
    routes_users,
)

router = APIRouter()
router.include_router(routes_auth.router)
router.include_router(routes_reports.router)
router.include_router(routes_settings.router)
router.include_router(routes_ops.router)
router.include_router(routes_conformance.router)
router.include_router(routes_providers.router)
router.include_router(routes_users.router)
router.include_router(routes_account.router)

__all__ = ["router"]
