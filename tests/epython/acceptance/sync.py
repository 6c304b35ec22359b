/* sync: the cores report one after another, in core order and then in reverse order,
   each waiting at a barrier between two reports */
from parallel import *

me=coreid()
n=numcores()
i=0
while i < n:
    if i == me: print "forward "+me
    sync()
    i+=1
i=n-1
while i >= 0:
    if i == me: print "backward "+me
    sync()
    i-=1
if me == 0: print "done"
