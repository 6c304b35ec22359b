/* sync: the cores print one after another, in core order, each waiting at a barrier */
from parallel import *

i=0
while i < numcores():
    if i == coreid(): print "Core "+coreid()+" reporting"
    sync()
    i+=1
if coreid() == 0: print "All reported"
