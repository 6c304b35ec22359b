/* broadcast: the root's value reaches every core */
from parallel import *

v=0
if coreid() == 2: v=99
v=bcast(v, 2)
print "Value is "+v
x=bcast(1.5*coreid(), 0)
print x
