/* a run-time error: a negative index */
a=[1, 2, 3]
print a[2]
print a[-1]
print "never printed"
