/* control flow on the core id: if/elif/else, and/or (both sides evaluated), not over the
   whole expression, and ePython's truth of a bare variable */
from parallel import *

me=coreid()
n=numcores()
if me == 0:
    print "first of "+n
elif me == n-1:
    print "last of "+n
else:
    print "middle "+me
if me%2 == 0: print "even"
if me%2 == 1: print "odd"
if me > 0 and me < 3: print "one or two"
if me < 2 or me > 13: print "edge"
if not me == 5: print "not five"
flag=me%3 == 0
if flag: print "multiple of three"
k=me
if k: print "an int variable is never a condition"
if k+0: print "positive"
