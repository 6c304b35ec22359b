from util import *
def n():
    return 3
for i in range(n()):
    for j in range(i, n()):
        print i*j
