/* reductions: every core gets the combined value */
from parallel import *

me=coreid()
print reduce(me, "sum")
print reduce(me+1, "prod")
print reduce(me*2, "max")
print reduce(10-me, "min")
print reduce(me*0.5, "sum")
