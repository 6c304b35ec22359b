native rtl_print(1)
x=native rtl_coreid()
native rtl_sync()
y=native rtl_math(0, 2.0)
z=native rtl_allocatearray(3,4)
z[1][2]=5
print z[1][2]
