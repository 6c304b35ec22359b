/* Monte Carlo estimate of pi: every core throws darts at the unit square, the hits are
   summed with a reduction.  The random numbers differ from run to run, so the program
   only reports whether the estimate is near pi (800 darts: the estimate is within 0.35
   of pi with overwhelming probability). */
from parallel import *
from random import random

DARTS=200
hits=0
i=0
while i < DARTS:
    x=random()
    y=random()
    if x*x+y*y <= 1.0: hits+=1
    i+=1
print "Core "+coreid()+" threw "+DARTS+" darts"
total=reduce(hits, "sum")
estimate=4.0*total/(DARTS*numcores())
if coreid() == 0:
    if estimate > 2.8 and estimate < 3.5:
        print "The estimate is close to pi"
    else:
        print "The estimate "+estimate+" is not close to pi"
