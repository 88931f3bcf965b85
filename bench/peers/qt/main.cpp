// Qt SCXML (C++ data model) peer of bench/events.ccxml and bench/idle.ccxml.
//   qt-peer events N   n tick events through one machine; prints "events N"
//   qt-peer idle K     K idle machines (each with its own data model), then waits (the harness
//                      reads RSS and CPU time)
#include <QCoreApplication>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "benchmodel.h"
#include "events.h"
#include "idle.h"

int main(int argc, char **argv)
{
	QCoreApplication app(argc, argv);
	if (argc != 3 || (std::strcmp(argv[1], "events") && std::strcmp(argv[1], "idle"))) {
		std::fprintf(stderr, "usage: %s events N | idle K\n", argv[0]);
		return 2;
	}
	long k = std::strtol(argv[2], nullptr, 10);
	if (!std::strcmp(argv[1], "events")) {
		EventsMachine m;
		BenchModel model;
		model.n = (int)k;
		m.setDataModel(&model);
		QObject::connect(&m, &QScxmlStateMachine::finished, &app, &QCoreApplication::quit);
		m.start();
		return app.exec();
	}
	std::vector<IdleMachine *> all;
	all.reserve(k);
	for (long j = 0; j < k; j++) {
		IdleMachine *m = new IdleMachine;
		m->setDataModel(new IdleModel);
		m->start();
		all.push_back(m);
	}
	return app.exec();
}
