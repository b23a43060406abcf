# attack: allocating far more memory than allowed inside a graded function
# expect: score=0
# feedback-contains: MiB while running mlp_forward()
import numpy as np

_export(False)

def mlp_forward(params, X):
    hog = [np.ones((60000, 60000))]
    return hog[0][:5, :3]
