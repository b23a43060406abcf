# attack: HTML, ANSI and bidi control sequences injected into feedback via exceptions
# expect: score=0
# feedback-excludes: <script
# feedback-excludes: \x1b
# feedback-excludes: \u202e
_export(False)

def softmax_cross_entropy(logits, y):
    raise ValueError("\x1b[2J\x1b]0;owned\x07<script>alert(document.cookie)</script>\u202e<img src=x onerror=alert(1)>" * 50)
