/* a run-time error: reading past the end of a fixed-size array stops the core */
from array import array

a=array(3)
a[2]=5
print "before the error"
x=a[3]
print "never printed"
