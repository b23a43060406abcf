# attack: an infinite loop inside a graded function
# expect: score=0
# feedback-contains: CPU time while running softmax_cross_entropy() || wall-clock time while running softmax_cross_entropy()
_export(False)

def softmax_cross_entropy(logits, y):
    while True:
        pass
