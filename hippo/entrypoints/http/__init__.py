"""The Litestar HTTP app: API routes and the playground page."""
