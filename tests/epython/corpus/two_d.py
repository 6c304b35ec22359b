from array import array
m=array(2, 3)
m[1][2]=5
print m[1][2]+m[0][0]
