"""Holoptic: a citizen data commons.

Members take their personal data back from the platforms that hold it, see who holds it
and why, decide who may use it and for what, and follow every use ever made of it.
"""

__version__ = "0.1.0"
