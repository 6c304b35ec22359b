/* the math and random modules */
from math import *
from random import *

print sqrt(16.0)
print pow(2, 8)
print floor(2.7)
print ceil(2.2)
print cos(0.0)
print log10(1000.0)
print pi()
print e()
print exp(2)
r=randrange(6)
if r >= 0 and r < 6: print "randrange in range"
r=randint(10, 20)
if r >= 10 and r < 20: print "randint in range"
x=random()
if x >= 0.0 and x < 1.0: print "random in range"
