/* a run-time error: calling a variable that holds no function */
f=5
print "calling"
f(1)
print "never printed"
