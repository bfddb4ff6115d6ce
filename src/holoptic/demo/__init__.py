"""The demo village, Valmont-sur-Lize: what a newcomer finds when they start Holoptic.

``generate`` draws the villagers and their data deterministically from a seed;
``load`` stores them through the ordinary services, once.
"""

from holoptic.demo.load import DemoLogin, DemoSummary, load_demo

__all__ = ["DemoLogin", "DemoSummary", "load_demo"]
