# Regenerates format_luajit.txt: python3 format_gen.py && luajit fcases.lua > format_luajit.txt
# Each line: hex of "|fmt|", the argument (n: hex of its %.17g, s: hex of the string),
# then "s" + hex of string.format("|fmt|", arg) or "E:" + the error.
import random
random.seed(424242)
nums = ['0','-0.0','1','-1','0.5','2.5','-2.5','1e15','123.456','-987654.321','1/3','2^53','2^63','-2^63','1e300','1e-300','5e-324','1/0','-1/0','0/0','255','65','1e-5','0.1','100','0.125','9.995','1e21','123456789012','4.35','-0.0001','2^31','-2^31-1','7.5e-7']
strs = ['"abc"','""','"a\\0b"','"hello world"','"\\1\\2\\r\\n\\"x\\\\"','"\\0001"','"\\200\\255"']
out = []
for i in range(1200):
    conv = random.choice('diuoxXceEfFgGaAsq')
    flags = ''.join(random.choice('-+ #0') for _ in range(random.choice([0,0,1,1,2,3])))
    width = random.choice(['','','','1','5','12','25','99'])
    prec = random.choice(['','','','.','.0','.1','.3','.10','.17','.30','.99'])
    if conv == 'c':
        arg = str(random.choice([65,66,97,48,0,255,1,10]))
    elif conv in 'sq':
        arg = random.choice(strs + nums[:8])
    else:
        arg = random.choice(nums)
    out.append(('%' + flags + width + prec + conv, arg))
with open('fcases.lua','w') as f:
    f.write('local F = string.format\nlocal function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end\n')
    for fmt, arg in out:
        f.write('do local ok, r = pcall(F, "|%s|", %s) print(hex("|%s|") .. " " .. %s .. "\\t" .. (ok and ("s"..hex(r)) or ("E:"..r))) end\n' % (fmt, arg, fmt, '"n"..hex(string.format("%.17g", ' + arg + '))' if not arg.startswith('"') else '"s"..hex(' + arg + ')'))
