# attack: objects whose __eq__, __float__ and comparisons always claim success
# expect: score=0
class Liar:
    shape = (5, 3)
    dtype = "float64"
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __float__(self): return 0.0
    def __len__(self): return 3
    def __getitem__(self, i): return self
    def __iter__(self): return iter([self, self])
    def __bool__(self): return True
    def __abs__(self): return 0.0
    def __sub__(self, other): return self
    __rsub__ = __sub__
    __hash__ = None

def softmax_cross_entropy(logits, y):
    return Liar(), Liar()

def mlp_forward(params, X):
    return Liar()

def mlp_loss_and_grads(params, X, y):
    return Liar(), {"W1": Liar(), "b1": Liar(), "W2": Liar(), "b2": Liar()}

def train(X, y, hidden, epochs, lr, seed):
    return {"W1": Liar(), "b1": Liar(), "W2": Liar(), "b2": Liar()}
