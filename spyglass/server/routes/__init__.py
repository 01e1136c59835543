"""API routers, one module per area; each exposes ``router(ctx) -> APIRouter``."""
