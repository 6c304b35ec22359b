/* reductions: every core gets the combined value, integer and real */
from parallel import *

me=coreid()
print "sum "+reduce(me, "sum")
print "prod "+reduce(me%3+1, "prod")
print "max "+reduce((me*7)%5, "max")
print "min "+reduce(10-me, "min")
print "real sum "+reduce(me*0.25, "sum")
print "real max "+reduce(0.5-me, "max")
