"""Downloader middlewares that make the crawler a careful client of the site.

`hosts`: no request leaves for a host that is not the site's (pages) or a configured
image host. `retry`: transient failures are retried with exponential backoff that
honours Retry-After, and an empty 200 counts as one. `redirects`: a redirect loop is a
failure of its own, not a request silently dropped as a duplicate. `errors`: the
one-line errors these end in, as the `failures` table shows them.
"""
