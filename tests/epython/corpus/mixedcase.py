X=1
PRINT x
If X==1:
    Print "y"
DEF Foo(A):
    RETURN a+1
print Foo(2)
