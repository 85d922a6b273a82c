"""Flask app: the search page, the article page, the JSON API and the admin endpoints."""
