"""Skills: the shipped ESCO subset, skill profiles and gap analysis.

PURE core: imports no Django and does no network I/O; the ESCO data it reads ships inside
the package (`microcred.specdata`), so resolving a skill URI never leaves the machine.
"""
