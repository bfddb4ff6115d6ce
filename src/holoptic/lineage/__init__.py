"""Lineage of members' data: datum → use → dataset → product, exported as W3C PROV.

``model`` holds the values and checks the datasets and products consumers declare;
``subset`` keeps what descends from some data (all of a member's, or one use); ``prov``
writes the chain as a ``prov`` document and as PROV-JSON. All pure: no storage here.
"""
