# attack: huge constant expressions evaluated at import
# expect: score=0
_export(False)
x = 2 ** 2 ** 40
