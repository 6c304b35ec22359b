/* broadcast: a value from the last core, a real from core 0, a square from the middle core */
from parallel import *

me=coreid()
n=numcores()
v=0
if me == n-1: v=40+n
v=bcast(v, n-1)
print "from the last core: "+v
x=bcast(me*1.5+0.25, 0)
print "from core 0: "+x
w=bcast(me*me, n/2)
print "from core "+(n/2)+": "+w
