"""Grants and their consent records: ISO/IEC TS 27560 (as DPV) and Kantara CR v1.1.

``model`` holds grants and their lifecycle (given, withdrawn, expired); ``record`` writes
a grant's consent record as the DPV guide shapes it, ``receipt`` its Kantara Consent
Receipt. All pure: the gate stores grants, the web and CLI layers serve the documents.
"""
