// The C++ data models of bench/peers/qt/*.scxml: the documents' variables are members.
#ifndef BENCHMODEL_H
#define BENCHMODEL_H
#include <QScxmlCppDataModel>
#include <cstdio>

class BenchModel : public QScxmlCppDataModel
{
	Q_OBJECT
	Q_SCXML_DATAMODEL
public:
	int i = 0;
	int n = 0;
};

class IdleModel : public QScxmlCppDataModel
{
	Q_OBJECT
	Q_SCXML_DATAMODEL
public:
	int calls = 0;
};
#endif
