/* Monte Carlo pi: 256 darts shared over the cores.  random() asks the host for one rand()
   per call, so however the cores' calls interleave they use the first 512 numbers of the
   host's sequence between them: how many are below one half does not depend on it. */
from parallel import *
from random import random

DARTS=256
n=numcores()
mine=DARTS/n
hits=0
low=0
i=0
while i < mine:
    x=random()
    y=random()
    if x*x+y*y <= 1.0: hits+=1
    if x < 0.5: low+=1
    if y < 0.5: low+=1
    i+=1
print "core "+coreid()+" threw "+mine+" darts"
total=reduce(hits, "sum")
lows=reduce(low, "sum")
estimate=4.0*total/DARTS
if coreid() == 0:
    print "numbers below one half: "+lows
    if estimate > 2.6 and estimate < 3.7:
        print "the estimate is close to pi"
    else:
        print "the estimate "+estimate+" is not close to pi"
    if n == 1: print "estimate "+estimate
