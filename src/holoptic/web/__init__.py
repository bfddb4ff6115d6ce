"""The web shell: server-rendered pages for members and stewards, and the JSON API."""
