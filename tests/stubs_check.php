<?php
/**
 * Prints the public surface (classes, parents, public methods and their parameters) of the
 * MesChain namespace, either from the loaded extension or from php/meschain.stubs.php. The
 * scripts test runs it both ways and compares, so the IDE stubs cannot drift from the code.
 */
declare(strict_types=1);

if (($argv[1] ?? '') === 'stubs') {
    if (extension_loaded('meschain')) {
        fwrite(STDERR, "run the stubs side without the extension\n");
        exit(2);
    }
    require __DIR__ . '/../php/meschain.stubs.php';
}

$lines = [];
foreach (get_declared_classes() as $class) {
    if (!str_starts_with($class, 'MesChain\\')) {
        continue;
    }
    $r = new ReflectionClass($class);
    $lines[] = $class . ' extends ' . ($r->getParentClass() ? $r->getParentClass()->getName() : '-');
    foreach ($r->getMethods(ReflectionMethod::IS_PUBLIC) as $m) {
        if ($m->getDeclaringClass()->getName() !== $class) {
            continue;
        }
        $params = array_map(fn (ReflectionParameter $p) => (string) $p->getType() . ' $' . $p->getName(), $m->getParameters());
        $lines[] = sprintf('  %s%s(%s): %s', $m->isStatic() ? 'static ' : '', $m->getName(), implode(', ', $params), (string) $m->getReturnType());
    }
}
sort($lines);
echo implode("\n", $lines), "\n";
