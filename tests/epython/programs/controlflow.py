/* control flow on the core id */
from parallel import *

me=coreid()
if me == 0:
    print "I am the first core"
elif me == numcores()-1:
    print "I am the last core"
else:
    print "I am core "+me+", in the middle"
if me%2 == 0: print "even"
if me%2 == 1: print "odd"
if me > 0 and me < 3:
    print "one or two"
